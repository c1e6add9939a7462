package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task killed half-way (as when its executor is lost) and run again leaves no duplicate field
 * or manifest row, no doubled count and no doubled error. Each stage runs as one task, killed once
 * in the middle of its work; Spark reschedules a killed task.
 */
class TaskRetryTest {
  @TempDir
  Path tmp;

  @Test
  void killedEncodeAndRenderTasksAreRetriedWithoutDuplicates() throws IOException {
    Path input = ResumeTest.copySamples(tmp.resolve("in"));
    java.nio.file.Files.write(input.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    Path out = tmp.resolve("out");
    SparkContext sc = SparkTestSession.get().sparkContext();
    // each task is killed as soon as it has made its first output, with most of its work ahead
    KillOnce encodeKiller = new KillOnce(sc, "p2g encode: images", () -> anyFile(out.resolve("fields"), ".parquet"));
    KillOnce renderKiller = new KillOnce(sc, "p2g render: fields", () -> anyFile(out.resolve("pyramid"), ".png"));
    sc.addSparkListener(encodeKiller);
    sc.addSparkListener(renderKiller);
    JobRun run;
    try {
      run = JobRun.of("run", "--input", input.toString(), "--output", out.toString(), "--scales", "2,0.5,3",
          "--partitions", "1");
    } finally {
      sc.removeSparkListener(encodeKiller);
      sc.removeSparkListener(renderKiller);
    }
    assertEquals(Main.OK, run.exitCode(), run.err());
    for (KillOnce k : List.of(encodeKiller, renderKiller)) {
      assertEquals(List.of("0 killed", "1 success"), k.ends, k.prefix + ": the task was killed once, then retried");
    }
    assertTrue(run.out().contains("encode wrote 8 fields") && run.out().contains("1 failed"), run.out());
    assertTrue(run.out().contains("wrote 24 images"), run.out());
    OutputSnapshot snapshot = OutputSnapshot.of(out);
    assertEquals(8, snapshot.fieldRows());
    assertEquals(8, snapshot.fields().size());
    assertEquals(24, snapshot.manifestRows());
    assertEquals(24, snapshot.manifest().size());
    assertEquals(Set.of("broken.png encode null"), snapshot.errors().keySet());
  }

  /** True when a file ending in suffix exists anywhere under dir (written or being written). */
  static boolean anyFile(Path dir, String suffix) {
    if (!java.nio.file.Files.isDirectory(dir)) {
      return false;
    }
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
      return s.anyMatch(f -> f.getFileName().toString().endsWith(suffix) && !f.getFileName().toString().startsWith("."));
    } catch (IOException | java.io.UncheckedIOException e) {
      return false; // a folder moved while walking: look again
    }
  }

  /**
   * Kills the first attempt of the first task of the jobs whose description starts with prefix,
   * once ready holds: of the result stage (which writes the table), or with mapStage of the
   * stage before its shuffle (which renders).
   */
  static final class KillOnce extends SparkListener {
    final String prefix;
    final List<String> ends = new CopyOnWriteArrayList<>();
    private final SparkContext sc;
    private final java.util.function.BooleanSupplier ready;
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private volatile long target = -1;
    private volatile int targetIndex = -1;
    private volatile int targetStage = -1;
    private final boolean mapStage;

    KillOnce(SparkContext sc, String prefix, java.util.function.BooleanSupplier ready) {
      this(sc, prefix, ready, false);
    }

    KillOnce(SparkContext sc, String prefix, java.util.function.BooleanSupplier ready, boolean mapStage) {
      this.sc = sc;
      this.prefix = prefix;
      this.ready = ready;
      this.mapStage = mapStage;
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
      String description = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
      if (description != null && description.startsWith(prefix) && target < 0) {
        // the result stage, which writes; with adaptive execution the shuffle before it is a job of its own
        job.stageInfos().foreach(s -> s.shuffleDepId().isEmpty() != mapStage ? stages.add(s.stageId()) : false);
      }
    }

    @Override
    public synchronized void onTaskStart(SparkListenerTaskStart task) {
      if (!stages.contains(task.stageId()) || target >= 0) {
        return;
      }
      target = task.taskInfo().taskId();
      targetIndex = task.taskInfo().index();
      targetStage = task.stageId();
      long id = target;
      Thread killer = new Thread(() -> {
        long until = System.nanoTime() + 120_000_000_000L;
        while (!ready.getAsBoolean() && System.nanoTime() < until) {
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
        sc.killTaskAttempt(id, true, "test: as if its executor were lost");
      });
      killer.setDaemon(true);
      killer.start();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (target >= 0 && end.stageId() == targetStage && end.taskInfo().index() == targetIndex) {
        ends.add(end.taskInfo().attemptNumber() + " " + (end.reason() instanceof TaskKilled ? "killed"
            : end.taskInfo().successful() ? "success" : end.reason().toString()));
      }
    }
  }
}
