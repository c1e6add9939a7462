package dev.p2g.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.p2g.spark.EncodePartition;
import dev.p2g.spark.FieldTable;
import dev.p2g.spark.HashSources;
import dev.p2g.spark.SourceCheckTable;
import dev.p2g.spark.TableImages;
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
import org.apache.spark.util.SerializableConfiguration;

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

  private static final String DONE = "done_";
  private static final String DONE_SHA = "done_sha256";
  private static final String CHECKED = "checked_";
  private static final String CLASS = "plan_class";
  private static final int NEW = 0;
  private static final int UNCHANGED = 1;
  private static final int CHECK = 2;

  private EncodePlan() {}

  /** images: the listing (EncodePartition.INPUT); count: its size; fieldsExist: whether fields/ is there yet. */
  static Pending plan(SparkSession spark, Dataset<Row> images, long count, boolean fieldsExist, boolean checksExist,
      String fieldsUri, String modelId, boolean verify, Timestamp runStarted, long maxFileBytes, TableImages table,
      Broadcast<SerializableConfiguration> conf, LongAccumulator sourceBytes) {
    if (!fieldsExist) {
      return new Pending(images, count, 0, 0, 0, () -> {});
    }
    Dataset<Row> done = EncodeStage.completeImages(spark.read().schema(FieldTable.SCHEMA).parquet(fieldsUri)
            .filter(col("model_id").equalTo(modelId)))
        .select(col("key"), col("source_sha256").as(DONE_SHA), col("source_uri").as(DONE + "uri"),
            col(FieldTable.SOURCE_SIZE).as(DONE + FieldTable.SOURCE_SIZE),
            col(FieldTable.SOURCE_MODIFIED).as(DONE + FieldTable.SOURCE_MODIFIED),
            col(FieldTable.SOURCE_ETAG).as(DONE + FieldTable.SOURCE_ETAG));
    // one join tells new from done, and done from unchanged by the field's own listing
    Dataset<Row> joined = images.join(done, using("key"), "left");
    Column unchanged = verify ? lit(false) : sameListing(DONE);
    if (checksExist && !verify) { // or by a check of an earlier run that vouches for this listing
      Dataset<Row> vouched = images.join(checks(spark, fieldsUri, done), sameListing(CHECKED), "left_semi")
          .select(col("key"), lit(true).as("vouched"));
      joined = joined.join(vouched, using("key"), "left");
      unchanged = unchanged.or(col("vouched").isNotNull());
    }
    Dataset<Row> classified = joined
        .withColumn(CLASS, when(col(DONE_SHA).isNull(), NEW).when(unchanged, UNCHANGED).otherwise(CHECK))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Row counts = classified.agg(countOf(UNCHANGED).as("unchanged"), countOf(CHECK).as("check")).first();
    long toCheck = counts.isNullAt(counts.fieldIndex("check")) ? 0 : counts.<Long>getAs("check");
    long unchangedCount = counts.isNullAt(counts.fieldIndex("unchanged")) ? 0 : counts.<Long>getAs("unchanged");
    Dataset<Row> todo = classified.filter(col(CLASS).equalTo(NEW));
    long changed = 0;
    Runnable release = classified::unpersist;
    if (toCheck > 0) {
      spark.sparkContext().setJobDescription("p2g encode: hashing " + toCheck + " images whose listing changed");
      Dataset<Row> checked = classified.filter(col(CLASS).equalTo(CHECK))
          .select(inputColumns())
          .transform(d -> Chunks.byContainer(d, EncodeStage.partitions(spark, toCheck,
              EncodeStage.IMAGES_PER_PARTITION)))
          .mapPartitions(new HashSources(conf, maxFileBytes, runStarted, sourceBytes, table),
              Encoders.row(SourceCheckTable.SCHEMA))
          .persist(StorageLevel.MEMORY_AND_DISK());
      checked.write().mode(SaveMode.Append).parquet(SourceCheckTable.uri(fieldsUri));
      // the field's hash is in the (cached) classified rows already: fields/ is not read again
      Dataset<Row> changedImages = classified.filter(col(CLASS).equalTo(CHECK))
          .join(checked.select(col("key"), col("source_sha256").as("checked_sha256")), using("key"))
          .filter(col("checked_sha256").isNull().or(col("checked_sha256").notEqual(col(DONE_SHA))))
          .drop("checked_sha256");
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

  /** Checks of earlier runs for the field's hash (their listings prefixed CHECKED), one per check. */
  private static Dataset<Row> checks(SparkSession spark, String fieldsUri, Dataset<Row> done) {
    Dataset<Row> checks = spark.read().schema(SourceCheckTable.SCHEMA).parquet(SourceCheckTable.uri(fieldsUri));
    return checks.join(done.select(col("key").as("done_key"), col(DONE_SHA)),
            checks.col("key").equalTo(col("done_key")).and(checks.col("source_sha256").equalTo(col(DONE_SHA))),
            "left_semi")
        .select(col("key").as(CHECKED + "key"), col("source_uri").as(CHECKED + "uri"),
            col(FieldTable.SOURCE_SIZE).as(CHECKED + FieldTable.SOURCE_SIZE),
            col(FieldTable.SOURCE_MODIFIED).as(CHECKED + FieldTable.SOURCE_MODIFIED),
            col(FieldTable.SOURCE_ETAG).as(CHECKED + FieldTable.SOURCE_ETAG));
  }

  /**
   * The listing (uri, size, time, ETag) equals the one under these prefixed columns: URI, size and
   * time; ETags too where both have one. Null (not the same) where the other side has none.
   */
  private static Column sameListing(String prefix) {
    Column same = col("uri").equalTo(col(prefix + "uri"))
        .and(col(FieldTable.SOURCE_SIZE).equalTo(col(prefix + FieldTable.SOURCE_SIZE)))
        .and(col(FieldTable.SOURCE_MODIFIED).equalTo(col(prefix + FieldTable.SOURCE_MODIFIED)))
        .and(col(FieldTable.SOURCE_ETAG).isNull().or(col(prefix + FieldTable.SOURCE_ETAG).isNull())
            .or(col(FieldTable.SOURCE_ETAG).equalTo(col(prefix + FieldTable.SOURCE_ETAG))));
    return prefix.equals(CHECKED) ? col("key").equalTo(col(CHECKED + "key")).and(same) : same;
  }

  private static Column countOf(int planClass) {
    return sum(when(col(CLASS).equalTo(planClass), 1L).otherwise(0L));
  }

  private static Column[] inputColumns() {
    return Arrays.stream(EncodePartition.INPUT.fieldNames()).map(functions::col).toArray(Column[]::new);
  }

  /**
   * The columns of a join's USING clause, for Dataset.join(Dataset, String[], String): Spark 3.4+
   * and 4.x alike, with no Scala collection in p2g's code (Seq is another type in Scala 2.12).
   */
  static String[] using(String... columns) {
    return columns;
  }
}
