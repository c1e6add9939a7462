package dev.p2g.spark;

import dev.p2g.tables.ErrorRecord;
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
 *
 * <p>Large images encoded in parts (LargeImageParts) are counted apart: largeImages and
 * largePixels as planned, largePixelsDone as their tiles are encoded (read by the progress line
 * while tasks run), and parts with one outcome per part, which the driver turns into images
 * written or failed once the chunk holding all of an image's parts has committed.
 */
public record StageAccumulators(CollectionAccumulator<ErrorRecord> errors, LongAccumulator written,
    LongAccumulator skipped, LongAccumulator failed, LongAccumulator busyNanos, LongAccumulator sourceBytes,
    CollectionAccumulator<String> devices, LongAccumulator largeImages, LongAccumulator largePixels,
    LongAccumulator largePixelsDone, CollectionAccumulator<PartOutcome> parts) implements Serializable {

  /** Without large-image counters of its own (tests of partition functions): unregistered ones. */
  public StageAccumulators(CollectionAccumulator<ErrorRecord> errors, LongAccumulator written,
      LongAccumulator skipped, LongAccumulator failed, LongAccumulator busyNanos, LongAccumulator sourceBytes,
      CollectionAccumulator<String> devices) {
    this(errors, written, skipped, failed, busyNanos, sourceBytes, devices, new LongAccumulator(),
        new LongAccumulator(), new LongAccumulator(), new CollectionAccumulator<>());
  }

  public static StageAccumulators register(SparkSession spark, String stage) {
    return new StageAccumulators(
        spark.sparkContext().collectionAccumulator("p2g " + stage + " errors"),
        spark.sparkContext().longAccumulator("p2g " + stage + " written"),
        spark.sparkContext().longAccumulator("p2g " + stage + " skipped"),
        spark.sparkContext().longAccumulator("p2g " + stage + " failed"),
        spark.sparkContext().longAccumulator("p2g " + stage + " busy nanos"),
        spark.sparkContext().longAccumulator("p2g " + stage + " source bytes read"),
        spark.sparkContext().collectionAccumulator("p2g " + stage + " devices"),
        spark.sparkContext().longAccumulator("p2g " + stage + " large images"),
        spark.sparkContext().longAccumulator("p2g " + stage + " large image pixels"),
        spark.sparkContext().longAccumulator("p2g " + stage + " large image pixels done"),
        spark.sparkContext().collectionAccumulator("p2g " + stage + " parts"));
  }

  /** One image (and level) failed: its errors/ row, and the count. */
  public void fail(ErrorRecord error) {
    errors.add(error);
    failed.add(1);
  }

  /** What became of one part of a large image: all its tiles written, or not. */
  public record PartOutcome(String key, int part, int parts, boolean ok) implements Serializable {}
}
