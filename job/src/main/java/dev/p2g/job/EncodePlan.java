package dev.p2g.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.p2g.spark.EncodePartition;
import dev.p2g.spark.FieldTable;
import dev.p2g.spark.HashSources;
import dev.p2g.spark.SerializableHadoopConf;
import dev.p2g.spark.SourceCheckTable;
import java.sql.Timestamp;
import java.util.Arrays;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

/**
 * Which listed images encode must do, as joins (the driver sees counts only). An image is done
 * when fields/ holds all its tiles for this model and its source is unchanged. Unchanged is
 * first decided from the listing alone: the URI, size and modification time (and ETag where both
 * have one) match what the field recorded, or what a source check of an earlier run recorded for
 * the field's hash. Only the other images with a field are read, to hash them
 * (HashSources); their checks are kept in fields/_p2g_sources so that each is hashed once.
 * --verify-sources hashes every image with a field.
 */
final class EncodePlan {
  /** What planning found: the images to encode, and how many were done, hashed, and changed. */
  record Pending(Dataset<Row> todo, long todoCount, long skipped, long hashed, long changed, Runnable release) {}

  private static final String DONE_SHA = "done_sha256";
  private static final String CLASS = "plan_class";
  private static final int NEW = 0;
  private static final int UNCHANGED = 1;
  private static final int CHECK = 2;

  private EncodePlan() {}

  /** images: the listing (EncodePartition.INPUT); count: its size; fieldsExist: whether fields/ is there yet. */
  static Pending plan(SparkSession spark, Dataset<Row> images, long count, boolean fieldsExist, boolean checksExist,
      String fieldsUri, String modelId, boolean verify, Timestamp runStarted, long maxFileBytes,
      Broadcast<SerializableHadoopConf> conf, LongAccumulator sourceBytes) {
    if (!fieldsExist) {
      return new Pending(images, count, 0, 0, 0, () -> {});
    }
    Dataset<Row> done = EncodeStage.completeImages(spark.read().schema(FieldTable.SCHEMA).parquet(fieldsUri)
            .filter(col("model_id").equalTo(modelId)))
        .select(col("key"), col("source_sha256").as(DONE_SHA), col("source_uri"), col(FieldTable.SOURCE_SIZE),
            col(FieldTable.SOURCE_MODIFIED), col(FieldTable.SOURCE_ETAG));
    // listings known to be of the field's bytes: the field's own, and those checks vouch for
    Dataset<Row> known = null;
    if (!verify) {
      known = done.drop(DONE_SHA);
      if (checksExist) {
        known = known.unionByName(checks(spark, fieldsUri, done));
      }
    }
    Dataset<Row> unchanged = known == null ? images.limit(0).select("key") : sameListing(images, known);
    Dataset<Row> classified = images
        .join(done.select(col("key"), col(DONE_SHA)), seq("key"), "left")
        .join(unchanged.withColumn("unchanged", lit(true)), seq("key"), "left")
        .withColumn(CLASS, when(col(DONE_SHA).isNull(), NEW)
            .when(col("unchanged").isNotNull(), UNCHANGED).otherwise(CHECK))
        .drop("unchanged")
        .persist(StorageLevel.MEMORY_AND_DISK());
    Row counts = classified.agg(countOf(NEW), countOf(UNCHANGED), countOf(CHECK)).first();
    long toCheck = counts.isNullAt(2) ? 0 : counts.getLong(2);
    long unchangedCount = counts.isNullAt(1) ? 0 : counts.getLong(1);
    Dataset<Row> todo = classified.filter(col(CLASS).equalTo(NEW));
    long changed = 0;
    Runnable release = classified::unpersist;
    if (toCheck > 0) {
      spark.sparkContext().setJobDescription("p2g encode: hashing " + toCheck + " images whose listing changed");
      Dataset<Row> checked = classified.filter(col(CLASS).equalTo(CHECK))
          .select(inputColumns())
          .repartition(EncodeStage.partitions(spark, toCheck))
          .mapPartitions(new HashSources(conf, maxFileBytes, runStarted, sourceBytes),
              Encoders.row(SourceCheckTable.SCHEMA))
          .persist(StorageLevel.MEMORY_AND_DISK());
      checked.write().mode(SaveMode.Append).parquet(SourceCheckTable.uri(fieldsUri));
      Dataset<Row> changedKeys = checked.join(done.select(col("key"), col(DONE_SHA)), seq("key"))
          .filter(col("source_sha256").isNull().or(col("source_sha256").notEqual(col(DONE_SHA))))
          .select("key");
      Dataset<Row> changedImages = classified.filter(col(CLASS).equalTo(CHECK)).join(changedKeys, seq("key"),
          "left_semi");
      changed = changedImages.count();
      spark.sparkContext().setJobDescription(null);
      todo = todo.unionByName(changedImages);
      release = () -> {
        checked.unpersist();
        classified.unpersist();
      };
    }
    long todoCount = count - unchangedCount - (toCheck - changed);
    return new Pending(todo.select(inputColumns()), todoCount, count - todoCount, toCheck, changed, release);
  }

  /** Checks of earlier runs that vouch for a listing: same key and the field's hash. */
  private static Dataset<Row> checks(SparkSession spark, String fieldsUri, Dataset<Row> done) {
    Dataset<Row> checks = spark.read().schema(SourceCheckTable.SCHEMA).parquet(SourceCheckTable.uri(fieldsUri));
    return checks.join(done.select(col("key"), col(DONE_SHA)),
            checks.col("key").equalTo(done.col("key")).and(checks.col("source_sha256").equalTo(col(DONE_SHA))),
            "left_semi")
        .select(col("key"), col("source_uri"), col(FieldTable.SOURCE_SIZE), col(FieldTable.SOURCE_MODIFIED),
            col(FieldTable.SOURCE_ETAG));
  }

  /** Listed images (their keys) whose URI, size and time match a known listing; ETags too where both have one. */
  private static Dataset<Row> sameListing(Dataset<Row> images, Dataset<Row> known) {
    Dataset<Row> k = known.select(col("key").as("k_key"), col("source_uri").as("k_uri"),
        col(FieldTable.SOURCE_SIZE).as("k_size"), col(FieldTable.SOURCE_MODIFIED).as("k_modified"),
        col(FieldTable.SOURCE_ETAG).as("k_etag"));
    Column same = col("key").equalTo(col("k_key"))
        .and(col("uri").equalTo(col("k_uri")))
        .and(col(FieldTable.SOURCE_SIZE).equalTo(col("k_size")))
        .and(col(FieldTable.SOURCE_MODIFIED).equalTo(col("k_modified")))
        .and(col(FieldTable.SOURCE_ETAG).isNull().or(col("k_etag").isNull())
            .or(col(FieldTable.SOURCE_ETAG).equalTo(col("k_etag"))));
    return images.join(k, same, "left_semi").select("key");
  }

  private static Column countOf(int planClass) {
    return sum(when(col(CLASS).equalTo(planClass), 1L).otherwise(0L));
  }

  private static Column[] inputColumns() {
    return Arrays.stream(EncodePartition.INPUT.fieldNames()).map(functions::col).toArray(Column[]::new);
  }

  static scala.collection.immutable.Seq<String> seq(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(columns)).toSeq();
  }
}
