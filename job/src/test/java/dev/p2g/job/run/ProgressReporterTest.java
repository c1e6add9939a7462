package dev.p2g.job.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.SparkTestSession;
import dev.p2g.spark.StageAccumulators;
import dev.p2g.tables.ErrorRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  @Test
  void aLineSaysDoneOfTotalRateTimeLeftAndFailures() throws Exception {
    StageAccumulators counters = StageAccumulators.register(SparkTestSession.get(), "progress test");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (ProgressReporter.Stage stage = new ProgressReporter(out, 1).start("encode", 100, counters)) {
      assertTrue(stage.line().contains("0 of 100 images (0.0%)") && stage.line().contains("time left unknown"),
          stage.line());
      counters.written().add(30);
      counters.skipped().add(8);
      counters.fail(new ErrorRecord("k", "u", ErrorRecord.ENCODE, null, "decode.corrupt", "bad"));
      counters.fail(new ErrorRecord("l", "u", ErrorRecord.ENCODE, null, "decode.corrupt", "bad"));
      stage.addToTotal(20);
      String line = stage.line();
      assertTrue(line.startsWith("p2g: encode: 40 of 120 images (33.3%), "), line);
      assertTrue(line.contains(" left, 2 failed, "), line);
      Thread.sleep(2500);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    long lines = printed.lines().count();
    assertTrue(lines >= 1 && lines <= 3, "a line a second while the stage ran:\n" + printed);
    Thread.sleep(1500);
    assertEquals(lines, bytes.toString(StandardCharsets.UTF_8).lines().count(), "nothing after close");
  }

  /** A run of large images in parts moves with their pixels, before any image is done. */
  @Test
  void largeImagesCountByTheirPixels() {
    StageAccumulators counters = StageAccumulators.register(SparkTestSession.get(), "progress large");
    ProgressReporter.Stage stage = new ProgressReporter(new PrintStream(new ByteArrayOutputStream()), 0)
        .start("encode", 1, counters);
    counters.largeImages().add(1);
    counters.largePixels().add(12_000_000);
    counters.largePixelsDone().add(3_000_000);
    String line = stage.line();
    assertTrue(line.startsWith("p2g: encode: 0.25 of 1 images (25.0%), 3.00 of 12.0 MP of large images in tiles, "),
        line);
    assertTrue(line.contains(" left, ") && !line.contains("unknown"), "a time left from the pixels: " + line);
    stage.addLargeFailed(1);
    assertTrue(stage.line().contains(", 1 failed, "), stage.line());
    stage.close();
  }

  /** Running tasks' values of the pixel accumulator, as heartbeats bring them, until each task ends. */
  @Test
  void runningTasksAreHeardUntilTheyEnd() {
    ProgressReporter.RunningTasks running = new ProgressReporter.RunningTasks(42);
    running.heard(7, 42, 100L);
    running.heard(8, 42, 50L);
    running.heard(8, 41, 999L); // another accumulator
    running.heard(7, 42, 300L); // a later heartbeat of task 7
    assertEquals(350, running.sum());
    running.ended(7);
    assertEquals(50, running.sum(), "task 7 ended: its value is the accumulator's now");
  }

  @Test
  void durationsReadLikeAClock() {
    assertEquals("42 s", ProgressReporter.duration(41.6));
    assertEquals("3 min 05 s", ProgressReporter.duration(185));
    assertEquals("27 h 46 min", ProgressReporter.duration(100_000));
  }
}
