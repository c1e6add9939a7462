package dev.p2g.job.run;

import dev.p2g.spark.StageAccumulators;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The driver's progress lines while a stage runs: images done of the stage's total, images per
 * second, time left, failures so far, every few seconds. Counts come from the stage's
 * accumulators, which Spark merges as tasks finish, so they move a task (64 images) at a time.
 * Large images encoded in parts (LargeImageParts) count by their pixels instead: the tiles a
 * running task has encoded reach the driver with its executor's heartbeats (every
 * spark.executor.heartbeatInterval, 10 s by default), so a run of a few large photos shows
 * megapixels done, a rate and a time left from its first lines, long before a task ends.
 */
final class ProgressReporter {
  private final PrintStream out;
  private final int seconds;
  private final SparkContext spark;

  /** seconds: between lines; 0 prints none. spark: where running tasks' heartbeats are heard (null: not heard). */
  ProgressReporter(PrintStream out, int seconds, SparkContext spark) {
    this.out = out;
    this.seconds = seconds;
    this.spark = spark;
  }

  ProgressReporter(PrintStream out, int seconds) {
    this(out, seconds, null);
  }

  /** Starts reporting a stage; close the result when the stage ends. */
  Stage start(String stage, long total, StageAccumulators counters) {
    return new Stage(stage, total, counters);
  }

  final class Stage implements AutoCloseable {
    private final String name;
    private final AtomicLong total;
    private final StageAccumulators counters;
    private final AtomicLong largeFailed = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer;
    private final RunningTasks running;

    private Stage(String name, long total, StageAccumulators counters) {
      this.name = name;
      this.total = new AtomicLong(total);
      this.counters = counters;
      if (seconds > 0) {
        running = spark == null ? null : new RunningTasks(counters.largePixelsDone().id());
        if (running != null) {
          spark.addSparkListener(running);
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "p2g-progress-" + name);
          t.setDaemon(true);
          return t;
        });
        timer.scheduleAtFixedRate(() -> out.println(line()), seconds, seconds, TimeUnit.SECONDS);
      } else {
        timer = null;
        running = null;
      }
    }

    /** Work found after the stage started (render's tiled images are counted once their plan runs). */
    void addToTotal(long more) {
      total.addAndGet(more);
    }

    /** Large images a committed chunk found failed (their parts told the driver, not the failed count). */
    void addLargeFailed(long images) {
      largeFailed.addAndGet(images);
    }

    String line() {
      long failed = counters.failed().value() + largeFailed.get();
      long largeImages = counters.largeImages().value();
      long largePixels = counters.largePixels().value();
      long pixelsDone = counters.largePixelsDone().value() + (running == null ? 0 : running.sum());
      double large = largePixels == 0 ? 0 : largeImages * Math.min(1.0, pixelsDone / (double) largePixels);
      double done = counters.written().value() + counters.skipped().value() + counters.failed().value() + large;
      double all = Math.max(total.get(), done);
      double elapsed = (System.nanoTime() - startNanos) / 1e9;
      double rate = done / Math.max(elapsed, 1e-9);
      String left = done == 0 ? "time left unknown yet" : "about " + duration((all - done) / rate) + " left";
      String count = largeImages == 0 ? String.format(Locale.ROOT, "%,d of %,d images", (long) done, (long) all)
          : String.format(Locale.ROOT, "%,.2f of %,d images", done, (long) all);
      String pace = largeImages == 0 ? String.format(Locale.ROOT, "%.2f images/s", rate)
          : String.format(Locale.ROOT, "%s of %s MP of large images in tiles, %.3f MP/s", megapixels(pixelsDone),
              megapixels(largePixels), pixelsDone / 1e6 / Math.max(elapsed, 1e-9));
      return String.format(Locale.ROOT, "p2g: %s: %s (%.1f%%), %s, %s, %,d failed, %s elapsed", name, count,
          all == 0 ? 100.0 : 100.0 * done / all, pace, left, failed, duration(elapsed));
    }

    @Override
    public void close() {
      if (timer != null) {
        timer.shutdownNow();
      }
      if (running != null) {
        spark.removeSparkListener(running);
      }
    }
  }

  /**
   * The latest value of one accumulator in each running task, from executor heartbeats: what
   * the driver's accumulator does not hold yet (Spark merges a task's updates when it ends).
   */
  static final class RunningTasks extends SparkListener {
    private final long accumulator;
    private final Map<Long, Long> byTask = new ConcurrentHashMap<>();

    RunningTasks(long accumulator) {
      this.accumulator = accumulator;
    }

    long sum() {
      long sum = 0;
      for (long v : byTask.values()) {
        sum += v;
      }
      return sum;
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
      // wildcards: the tuple's Seq is scala.collection.Seq on Scala 2.12, immutable.Seq on 2.13
      scala.collection.Iterator<?> tasks = update.accumUpdates().iterator();
      while (tasks.hasNext()) {
        scala.Tuple4<?, ?, ?, ?> task = (scala.Tuple4<?, ?, ?, ?>) tasks.next();
        scala.collection.Iterator<?> infos = ((scala.collection.Iterable<?>) task._4()).iterator();
        while (infos.hasNext()) {
          AccumulableInfo info = (AccumulableInfo) infos.next();
          if (info.update().isDefined()) {
            heard((Long) task._1(), info.id(), info.update().get());
          }
        }
      }
    }

    /** A running task's value of an accumulator, from a heartbeat. */
    void heard(long task, long accumulatorId, Object value) {
      if (accumulatorId == accumulator && value instanceof Long v) {
        byTask.put(task, v);
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      ended(end.taskInfo().taskId());
    }

    /** A task ended: its final value is the accumulator's now (or lost with the attempt). */
    void ended(long task) {
      byTask.remove(task);
    }
  }
  /** Megapixels with a tenth's precision, or a hundredth's under ten. */
  static String megapixels(long pixels) {
    return String.format(Locale.ROOT, pixels < 10_000_000 ? "%.2f" : "%.1f", pixels / 1e6);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}
