package dev.p2g.devices;

/** What a Spark master URL says about where tasks run. */
public final class SparkMasters {
  private SparkMasters() {}

  /**
   * local, local[N], local[*], local[N,F]: one JVM, where Spark assigns tasks no GPUs.
   * local-cluster[...] is a real standalone cluster (executors in their own JVMs), not local.
   */
  public static boolean isLocal(String master) {
    return master.equals("local") || master.startsWith("local[");
  }
}
