package dev.p2g.job;

import dev.p2g.spark.StageAccumulators;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver's progress lines while a stage runs: images done of the stage's total, images per
 * second, time left, failures so far, every few seconds. Counts come from the stage's
 * accumulators, which Spark merges as tasks finish, so they move a task (64 images) at a time.
 */
final class ProgressReporter {
  private final PrintStream out;
  private final int seconds;

  /** seconds: between lines; 0 prints none. */
  ProgressReporter(PrintStream out, int seconds) {
    this.out = out;
    this.seconds = seconds;
  }

  /** Starts reporting a stage; close the result when the stage ends. */
  Stage start(String stage, long total, StageAccumulators counters) {
    return new Stage(stage, total, counters);
  }

  final class Stage implements AutoCloseable {
    private final String name;
    private final AtomicLong total;
    private final StageAccumulators counters;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer;

    private Stage(String name, long total, StageAccumulators counters) {
      this.name = name;
      this.total = new AtomicLong(total);
      this.counters = counters;
      if (seconds > 0) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "p2g-progress-" + name);
          t.setDaemon(true);
          return t;
        });
        timer.scheduleAtFixedRate(() -> out.println(line()), seconds, seconds, TimeUnit.SECONDS);
      } else {
        timer = null;
      }
    }

    /** Work found after the stage started (render's tiled images are counted once their plan runs). */
    void addToTotal(long more) {
      total.addAndGet(more);
    }

    String line() {
      long failed = counters.failed().value();
      long done = counters.written().value() + counters.skipped().value() + failed;
      long all = Math.max(total.get(), done);
      double elapsed = (System.nanoTime() - startNanos) / 1e9;
      double rate = done / Math.max(elapsed, 1e-9);
      String left = done == 0 ? "time left unknown yet" : "about " + duration((all - done) / rate) + " left";
      return String.format(Locale.ROOT, "p2g: %s: %,d of %,d images (%.1f%%), %.2f images/s, %s, %,d failed, %s"
          + " elapsed", name, done, all, all == 0 ? 100.0 : 100.0 * done / all, rate, left, failed, duration(elapsed));
    }

    @Override
    public void close() {
      if (timer != null) {
        timer.shutdownNow();
      }
    }
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
