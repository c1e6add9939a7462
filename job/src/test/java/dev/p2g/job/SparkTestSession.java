package dev.p2g.job;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for the job tests: two task threads, so sharing of executor state is exercised. */
public final class SparkTestSession {
  private SparkTestSession() {}

  /**
   * "2.13" or "2.12": the Scala this Spark is built for, as SPARK_SCALA_VERSION wants it in the
   * environment of Spark JVMs a test launches (else they look for a source build's directories).
   */
  static String scalaBinaryVersion() {
    String[] parts = scala.util.Properties.versionNumberString().split("\\.");
    return parts[0] + "." + parts[1];
  }

  public static synchronized SparkSession get() {
    return SparkSession.getDefaultSession().isDefined()
        ? SparkSession.getDefaultSession().get()
        : SparkSession.builder()
            .master("local[2]")
            .appName("p2g-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate();
  }
}
