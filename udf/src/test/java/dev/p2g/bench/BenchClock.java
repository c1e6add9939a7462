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
}
