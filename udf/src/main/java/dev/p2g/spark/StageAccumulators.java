package dev.p2g.spark;

import java.io.Serializable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What a stage's tasks report to the driver besides their rows. The stages add to these in the
 * result stage of a write, where Spark merges a task's updates once, from its successful attempt
 * only: a retried or killed attempt leaves no count behind. busyNanos is the time tasks spent on
 * images themselves (decode and model, or render and image writing), to tell it from Spark's;
 * sourceBytes the bytes of source images read (hashing included). errors holds one chunk's
 * failures at a time: the driver writes them to errors/ after each chunk and clears it, so it
 * never holds more than a chunk's worth; failed counts them all. devices: the device of each
 * task that loaded a model or renderer ("cpu", "cuda:N"), one entry per task.
 */
public record StageAccumulators(CollectionAccumulator<ErrorRecord> errors, LongAccumulator written,
    LongAccumulator skipped, LongAccumulator failed, LongAccumulator busyNanos, LongAccumulator sourceBytes,
    CollectionAccumulator<String> devices) implements Serializable {

  public static StageAccumulators register(SparkSession spark, String stage) {
    return new StageAccumulators(
        spark.sparkContext().collectionAccumulator("p2g " + stage + " errors"),
        spark.sparkContext().longAccumulator("p2g " + stage + " written"),
        spark.sparkContext().longAccumulator("p2g " + stage + " skipped"),
        spark.sparkContext().longAccumulator("p2g " + stage + " failed"),
        spark.sparkContext().longAccumulator("p2g " + stage + " busy nanos"),
        spark.sparkContext().longAccumulator("p2g " + stage + " source bytes read"),
        spark.sparkContext().collectionAccumulator("p2g " + stage + " devices"));
  }

  /** One image (and level) failed: its errors/ row, and the count. */
  public void fail(ErrorRecord error) {
    errors.add(error);
    failed.add(1);
  }
}
