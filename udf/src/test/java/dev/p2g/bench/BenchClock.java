package dev.p2g.bench;

/** The benchmark mains' timing: milliseconds per call after a warm-up, so the JIT has settled. */
final class BenchClock {
  private BenchClock() {}

  interface Work {
    void run() throws Exception;
  }

  /** Milliseconds per call of work, run for seconds after a warm-up of a third of that. */
  static double msPerCall(Work work, double seconds) throws Exception {
    long warmUntil = System.nanoTime() + (long) (seconds / 3 * 1e9);
    do {
      work.run();
    } while (System.nanoTime() < warmUntil);
    int n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      work.run();
      n++;
      now = System.nanoTime();
    } while (now < end);
    return (now - start) / 1e6 / n;
  }

  /**
   * The median milliseconds of one call of work over seconds (at least five calls) after the same
   * warm-up: on a shared machine the median shrugs off the calls another process slowed down.
   */
  static double medianMsPerCall(Work work, double seconds) throws Exception {
    long warmUntil = System.nanoTime() + (long) (seconds / 3 * 1e9);
    do {
      work.run();
    } while (System.nanoTime() < warmUntil);
    java.util.List<Double> times = new java.util.ArrayList<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (times.size() < 5 || System.nanoTime() < end) {
      long start = System.nanoTime();
      work.run();
      times.add((System.nanoTime() - start) / 1e6);
    }
    return median(times);
  }

  /** The median of the values (sorted in place). */
  static double median(java.util.List<Double> values) {
    java.util.Collections.sort(values);
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }
}
