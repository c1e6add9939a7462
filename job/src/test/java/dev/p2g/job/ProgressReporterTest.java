package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.spark.ErrorRecord;
import dev.p2g.spark.StageAccumulators;
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

  @Test
  void durationsReadLikeAClock() {
    assertEquals("42 s", ProgressReporter.duration(41.6));
    assertEquals("3 min 05 s", ProgressReporter.duration(185));
    assertEquals("27 h 46 min", ProgressReporter.duration(100_000));
  }
}
