package dev.p2g.spark;

import dev.p2g.io.Device;
import dev.p2g.tables.ErrorRecord;
import java.io.Serializable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What a stage's tasks report to the driver besides their rows. Encode adds to these in the
 * result stage of a write, render in the map stage before its manifest rows are shuffled to one
 * writer; there a stage run again (a lost executor's shuffle output) would count its tasks twice,
 * so the counts and the errors count each task once (TaskOnceSum, TaskOnceList). A killed or
 * failed attempt leaves nothing behind either way. busyNanos is the time tasks spent on
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
public record StageAccumulators(TaskOnceList<ErrorRecord> errors, TaskOnceSum written,
    TaskOnceSum skipped, TaskOnceSum failed, TaskOnceSum busyNanos, LongAccumulator sourceBytes,
    CollectionAccumulator<Device> devices, LongAccumulator largeImages, LongAccumulator largePixels,
    LongAccumulator largePixelsDone, CollectionAccumulator<PartOutcome> parts) implements Serializable {

  /** Counters no Spark context knows (tests of partition functions, called directly). */
  public static StageAccumulators unregistered() {
    return new StageAccumulators(new TaskOnceList<>(), new TaskOnceSum(), new TaskOnceSum(), new TaskOnceSum(),
        new TaskOnceSum(), new LongAccumulator(), new CollectionAccumulator<>(), new LongAccumulator(),
        new LongAccumulator(), new LongAccumulator(), new CollectionAccumulator<>());
  }

  public static StageAccumulators register(SparkSession spark, String stage) {
    StageAccumulators counters = unregistered();
    var sc = spark.sparkContext();
    sc.register(counters.errors(), "p2g " + stage + " errors");
    sc.register(counters.written(), "p2g " + stage + " written");
    sc.register(counters.skipped(), "p2g " + stage + " skipped");
    sc.register(counters.failed(), "p2g " + stage + " failed");
    sc.register(counters.busyNanos(), "p2g " + stage + " busy nanos");
    sc.register(counters.sourceBytes(), "p2g " + stage + " source bytes read");
    sc.register(counters.devices(), "p2g " + stage + " devices");
    sc.register(counters.largeImages(), "p2g " + stage + " large images");
    sc.register(counters.largePixels(), "p2g " + stage + " large image pixels");
    sc.register(counters.largePixelsDone(), "p2g " + stage + " large image pixels done");
    sc.register(counters.parts(), "p2g " + stage + " parts");
    return counters;
  }

  /** One image (and level) failed: its errors/ row, and the count. */
  public void fail(ErrorRecord error) {
    errors.add(error);
    failed.add(1);
  }

  /** What became of one part of a large image: all its tiles written, or not. */
  public record PartOutcome(String key, int part, int parts, boolean ok) implements Serializable {}
}
