package dev.p2g.job;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for the job tests: two task threads, so sharing of executor state is exercised. */
final class SparkTestSession {
  private SparkTestSession() {}

  static synchronized SparkSession get() {
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
