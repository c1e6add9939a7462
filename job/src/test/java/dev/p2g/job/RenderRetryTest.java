package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.parquet.hadoop.ParquetOutputCommitter;
import org.apache.spark.MapOutputTrackerMaster;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.shuffle.FetchFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A render stage whose tasks run twice: the manifest write's first task says the render's shuffle
 * output is lost (a FetchFailedException, as when the executor that held it is gone), so Spark
 * runs the render tasks again before the write succeeds. The run's counts are those of one run:
 * each image skipped or written once, no doubled errors/ or manifest row.
 */
class RenderRetryTest {
  @TempDir
  java.nio.file.Path tmp;

  @Test
  void aRenderStageRunTwiceCountsItsImagesOnce() throws IOException {
    java.nio.file.Path input = ResumeTest.copySamples(tmp.resolve("in"));
    java.nio.file.Path out = tmp.resolve("out");
    JobRun first = JobRun.of("run", "--input", input.toString(), "--output", out.toString(), "--scales", "2",
        "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, first.exitCode(), first.err());
    SparkContext sc = SparkTestSession.get().sparkContext();
    Shuffles shuffles = new Shuffles();
    sc.addSparkListener(shuffles);
    FetchFailOnce.armed.set(true);
    SparkTestSession.get().conf().set(COMMITTER_KEY, FetchFailOnce.class.getName());
    JobRun again;
    try {
      // x2 is there: every image is read, skipped at x2 by its task, rendered at x0.5
      again = JobRun.of("render", "--fields", out.resolve("fields").toString(), "--output", out.toString(),
          "--scales", "2,0.5");
    } finally {
      SparkTestSession.get().conf().unset(COMMITTER_KEY);
      FetchFailOnce.armed.set(false);
      sc.removeSparkListener(shuffles);
    }
    assertEquals(Main.OK, again.exitCode(), again.err());
    assertEquals(1, FetchFailOnce.thrown.size(), "the manifest write failed once: " + FetchFailOnce.thrown);
    assertTrue(shuffles.rerun.size() >= 1, "the render tasks ran again: stage attempts " + shuffles.rerun);
    assertTrue(again.out().contains("wrote 8 images") && again.out().contains("skipped 8 already rendered")
        && again.out().contains(" 0 failed"), again.out());
    OutputSnapshot snapshot = OutputSnapshot.of(out);
    assertEquals(16, snapshot.manifestRows());
    assertEquals(16, snapshot.manifest().size());
    assertEquals(Set.of(), snapshot.errors().keySet());
  }

  static final String COMMITTER_KEY = "spark.sql.parquet.output.committer.class";

  /** The render jobs' shuffles, and the map stages Spark ran again (attempt 1 or later). */
  static final class Shuffles extends SparkListener {
    static volatile int renderShuffle = -1;
    final List<String> rerun = new CopyOnWriteArrayList<>();
    private final Set<Integer> mapStages = ConcurrentHashMap.newKeySet();

    @Override
    public void onJobStart(SparkListenerJobStart job) {
      String description = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
      if (description != null && description.startsWith("p2g render: fields")) {
        job.stageInfos().foreach(s -> {
          if (s.shuffleDepId().isDefined()) {
            renderShuffle = (Integer) s.shuffleDepId().get();
            mapStages.add(s.stageId());
          }
          return null;
        });
      }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted done) {
      if (mapStages.contains(done.stageInfo().stageId()) && done.stageInfo().attemptNumber() > 0) {
        rerun.add(done.stageInfo().stageId() + "." + done.stageInfo().attemptNumber());
      }
    }
  }

  /**
   * Parquet's committer, but for one manifest write task: it fails saying the shuffle output it
   * reads is lost. Spark takes a task's fetch failure from its TaskContext, whatever it throws.
   */
  public static final class FetchFailOnce extends ParquetOutputCommitter {
    static final AtomicBoolean armed = new AtomicBoolean();
    static final List<String> thrown = new CopyOnWriteArrayList<>();
    private final Path output;

    public FetchFailOnce(Path output, TaskAttemptContext context) throws IOException {
      super(output, context);
      this.output = output;
    }

    @Override
    public void setupTask(TaskAttemptContext context) throws IOException {
      TaskContext task = TaskContext.get();
      if (task != null && output.toString().contains("manifest") && Shuffles.renderShuffle >= 0
          && armed.compareAndSet(true, false)) {
        thrown.add(output + " stage " + task.stageId());
        // the render's map outputs forgotten, as when their executor is lost; no executor named, so
        // that the shared session's block manager stays registered for the tests after this one
        ((MapOutputTrackerMaster) SparkEnv.get().mapOutputTracker()).unregisterAllMapAndMergeOutput(
            Shuffles.renderShuffle);
        throw new IOException(new FetchFailedException(null, Shuffles.renderShuffle, -1L, -1, task.partitionId(),
            "test: the render's shuffle output is lost", null));
      }
      super.setupTask(context);
    }
  }
}
