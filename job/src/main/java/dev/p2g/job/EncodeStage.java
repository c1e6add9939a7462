package dev.p2g.job;

import static org.apache.spark.sql.functions.col;

import dev.p2g.spark.EncodePartition;
import dev.p2g.spark.EncodeSettings;
import dev.p2g.spark.ErrorRecord;
import dev.p2g.spark.FieldTable;
import dev.p2g.spark.SerializableHadoopConf;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;

/** Stage 1 on the driver: spreads the listed images over tasks, writes fields/, collects the failures. */
final class EncodeStage {
  /** Enough images per task that Spark's per-task overhead stays small next to model runs. */
  static final int IMAGES_PER_PARTITION = 64;

  record Result(long fieldsWritten, List<ErrorRecord> errors) {}

  private EncodeStage() {}

  static Result run(SparkSession spark, ImageListing.Listing listing, EncodeSettings settings, String fieldsUri,
      int partitionsOption, Broadcast<SerializableHadoopConf> conf) {
    CollectionAccumulator<ErrorRecord> errors = spark.sparkContext().collectionAccumulator("p2g encode errors");
    int partitions = partitionsOption > 0 ? partitionsOption : partitions(spark, listing.imageCount());
    spark.sparkContext().setJobDescription("p2g encode: " + listing.imageCount() + " images to fields");
    Dataset<Row> fields = GpuStages.mapPartitions(spark, listing.images().repartition(partitions, col("key")),
            new EncodePartition(settings, conf, errors), FieldTable.SCHEMA,
            GpuStages.profile(spark.sparkContext().getConf(), settings.device()))
        // the row encoder drops column metadata; the footer must carry the field version
        .withMetadata("params", FieldTable.PARAMS_META);
    fields.write().mode(SaveMode.Overwrite).parquet(fieldsUri);
    spark.sparkContext().setJobDescription(null);
    long written = spark.read().parquet(fieldsUri).count();
    return new Result(written, List.copyOf(errors.value()));
  }

  /** At least two tasks per core so a slow image does not idle the rest; at most one per image. */
  static int partitions(SparkSession spark, long images) {
    long byCount = (images + IMAGES_PER_PARTITION - 1) / IMAGES_PER_PARTITION;
    long byCores = 2L * spark.sparkContext().defaultParallelism();
    return (int) Math.max(1, Math.min(Math.max(images, 1), Math.max(byCount, byCores)));
  }
}
