package dev.p2g.job.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.p2g.job.common.SparkOrder;
import dev.p2g.job.common.TaskSizing;
import dev.p2g.job.sources.ImageListing;
import dev.p2g.job.tables.DriverTable;
import dev.p2g.job.tables.Fields;
import dev.p2g.sources.TableImages;
import dev.p2g.spark.EncodePartition;
import dev.p2g.spark.HashSources;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.SourceCheckTable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Which listed images encode must do, as joins: over a large listing the driver sees counts only;
 * a small one, whose rows it holds (DriverListing), it classifies with one query. An image is done
 * when fields/ holds all its tiles for this model and its source is unchanged. Unchanged is
 * first decided from the listing alone: the URI, size and modification time (and ETag where both
 * have one) match what the field recorded, or what a source check of an earlier run recorded for
 * the field's hash. Only the other images with a field are read, to hash them
 * (HashSources); their checks are kept in fields/_p2g_sources so that each is hashed once.
 * --verify-sources hashes every image with a field.
 */
public final class EncodePlan {
  /**
   * What planning found: the images to encode, and how many were done, hashed, and changed.
   * local: the images to encode themselves, when the listing was the driver's (else null);
   * replaces: whether some image to encode has rows in fields/ already, which its new rows will
   * supersede (false: compacting after the appends would find nothing).
   */
  public record Pending(Supplier<Dataset<Row>> todoData, long todoCount, long skipped, long hashed, long changed,
      Runnable release, List<Row> local, boolean replaces) {
    /** The images to encode as a Dataset, made when first asked for (not for a plan the driver made). */
    public Dataset<Row> todo() {
      return todoData.get();
    }
  }

  private static final String DONE = "done_";
  static final String DONE_SHA = "done_sha256";
  private static final String CHECKED = "checked_";
  static final String CLASS = "plan_class";
  static final String PRESENT = "present_";
  static final int NEW = 0;
  static final int UNCHANGED = 1;
  static final int CHECK = 2;

  private EncodePlan() {}

  /** listing: the images; fieldsExist, checksExist: whether fields/ and its source checks are there yet. */
  public static Pending plan(SparkSession spark, ImageListing.Listing listing, boolean fieldsExist, boolean checksExist,
      String fieldsUri, String modelId, boolean verify, Timestamp runStarted, long maxFileBytes, TableImages table,
      Broadcast<SerializableConfiguration> conf, LongAccumulator sourceBytes) {
    long count = listing.imageCount();
    if (!fieldsExist) {
      return new Pending(listing::images, count, 0, 0, 0, () -> {}, listing.local(), false);
    }
    if (listing.local() != null) {
      return planLocal(spark, listing, checksExist, fieldsUri, modelId, verify, runStarted, maxFileBytes,
          table, conf, sourceBytes);
    }
    Dataset<Row> images = listing.images();
    Dataset<Row> fields = spark.read().schema(FieldTable.SCHEMA).parquet(fieldsUri);
    Dataset<Row> classified = classify(spark, images, fields, checksExist, fieldsUri, modelId, verify)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Row counts = classified.agg(countOf(UNCHANGED).as("unchanged"), countOf(CHECK).as("check")).first();
    long toCheck = counts.isNullAt(counts.fieldIndex("check")) ? 0 : counts.<Long>getAs("check");
    long unchangedCount = counts.isNullAt(counts.fieldIndex("unchanged")) ? 0 : counts.<Long>getAs("unchanged");
    Dataset<Row> todo = classified.filter(col(CLASS).equalTo(NEW));
    long changed = 0;
    Runnable release = classified::unpersist;
    if (toCheck > 0) {
      spark.sparkContext().setJobDescription("p2g encode: hashing " + toCheck + " images whose listing changed");
      Dataset<Row> checked = hash(spark, classified.filter(col(CLASS).equalTo(CHECK)).select(inputColumns()),
          toCheck, runStarted, maxFileBytes, table, conf, sourceBytes)
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
    Dataset<Row> todoImages = todo.select(inputColumns());
    return new Pending(() -> todoImages, todoCount, count - todoCount, toCheck, changed, release, null, true);
  }

  /**
   * The plan of a listing the driver holds: its images classified on the driver from a small
   * fields/ table it reads itself (DriverEncodePlan), or else by one query that reads only the
   * fields/ rows of their keys and brings the classes back; hashing, when some listing changed,
   * is one more job over those images alone.
   */
  private static Pending planLocal(SparkSession spark, ImageListing.Listing listing, boolean checksExist, String fieldsUri, String modelId, boolean verify, Timestamp runStarted, long maxFileBytes,
      TableImages table, Broadcast<SerializableConfiguration> conf, LongAccumulator sourceBytes) {
    List<Row> todo = new ArrayList<>();
    List<Row> check = new ArrayList<>();
    Map<String, String> doneSha = new HashMap<>();
    boolean replaces = false;
    for (Row r : classified(spark, listing, checksExist, fieldsUri, modelId, verify, conf)) {
      int planClass = r.getAs(CLASS);
      if (planClass == NEW) {
        todo.add(input(r));
        replaces |= !r.isNullAt(r.fieldIndex(PRESENT));
      } else if (planClass == CHECK) {
        check.add(input(r));
        doneSha.put(r.getAs("key"), r.getAs(DONE_SHA));
      }
    }
    long changed = 0;
    if (!check.isEmpty()) {
      List<Row> checked = hash(spark, spark.createDataFrame(check, EncodePartition.INPUT), check.size(), runStarted,
          maxFileBytes, table, conf, sourceBytes).collectAsList();
      spark.createDataFrame(checked, SourceCheckTable.SCHEMA).write().mode(SaveMode.Append)
          .parquet(SourceCheckTable.uri(fieldsUri));
      Map<String, String> hashed = new HashMap<>();
      checked.forEach(c -> hashed.put(c.getAs("key"), c.getAs("source_sha256")));
      for (Row r : check) {
        String sha = hashed.get(r.<String>getAs("key"));
        if (sha == null || !sha.equals(doneSha.get(r.<String>getAs("key")))) {
          todo.add(r);
          changed++;
        }
      }
      replaces |= changed > 0;
    }
    todo.sort(java.util.Comparator.comparing(r -> r.<String>getAs("key"), SparkOrder.STRINGS));
    long count = listing.imageCount();
    return new Pending(() -> spark.createDataFrame(todo, EncodePartition.INPUT), todo.size(), count - todo.size(),
        check.size(), changed, () -> {}, todo, replaces);
  }

  /**
   * The listed images (EncodePartition.INPUT columns) with CLASS, DONE_SHA and PRESENT: on the
   * driver when fields/ and its checks are small, else by one Spark query.
   */
  private static List<Row> classified(SparkSession spark, ImageListing.Listing listing, boolean checksExist, String fieldsUri, String modelId, boolean verify, Broadcast<SerializableConfiguration> conf) {
    long maxRows = DriverTable.maxRows(spark);
    try {
      java.util.Optional<List<Row>> fieldRows = DriverTable.read(fieldsUri, DriverEncodePlan.FIELD_COLUMNS, maxRows,
          conf.value().value());
      java.util.Optional<List<Row>> checkRows = !checksExist || verify ? java.util.Optional.of(List.of())
          : DriverTable.read(SourceCheckTable.uri(fieldsUri), DriverEncodePlan.CHECK_COLUMNS, maxRows,
              conf.value().value());
      if (fieldRows.isPresent() && checkRows.isPresent()) {
        return DriverEncodePlan.classify(listing.local(), fieldRows.get(), checkRows.get(), modelId, verify);
      }
    } catch (java.io.IOException e) {
      // Spark reads it below, and fails with its own message if the table is unreadable
    }
    Dataset<Row> images = listing.images();
    Dataset<Row> fields = spark.read().schema(FieldTable.SCHEMA).parquet(fieldsUri);
    Dataset<Row> listed = fields.join(functions.broadcast(images.select("key")), using("key"), "left_semi");
    Dataset<Row> present = listed.select(col("key")).distinct().withColumn(PRESENT, lit(true));
    List<Column> columns = new ArrayList<>(Arrays.asList(inputColumns()));
    columns.addAll(List.of(col(CLASS), col(DONE_SHA), col(PRESENT)));
    return classify(spark, images, listed, checksExist, fieldsUri, modelId, verify)
        .join(present, using("key"), "left").select(columns.toArray(Column[]::new)).collectAsList();
  }

  /**
   * The listed images with their class (NEW: no complete field for this model; UNCHANGED: one
   * whose source is unchanged by its listing or a check's; CHECK: one whose listing changed) and
   * the field's source hash. One join tells new from done, and done from unchanged by the field's
   * own listing.
   */
  private static Dataset<Row> classify(SparkSession spark, Dataset<Row> images, Dataset<Row> fields,
      boolean checksExist, String fieldsUri, String modelId, boolean verify) {
    Dataset<Row> done = Fields.completeImages(fields.filter(col("model_id").equalTo(modelId)))
        .select(col("key"), col("source_sha256").as(DONE_SHA), col("source_uri").as(DONE + "uri"),
            col(FieldTable.SOURCE_SIZE).as(DONE + FieldTable.SOURCE_SIZE),
            col(FieldTable.SOURCE_MODIFIED).as(DONE + FieldTable.SOURCE_MODIFIED),
            col(FieldTable.SOURCE_ETAG).as(DONE + FieldTable.SOURCE_ETAG));
    Dataset<Row> joined = images.join(done, using("key"), "left");
    Column unchanged = verify ? lit(false) : sameListing(DONE);
    if (checksExist && !verify) { // or by a check of an earlier run that vouches for this listing
      Dataset<Row> vouched = images.join(checks(spark, fieldsUri, done), sameListing(CHECKED), "left_semi")
          .select(col("key"), lit(true).as("vouched"));
      joined = joined.join(vouched, using("key"), "left");
      unchanged = unchanged.or(col("vouched").isNotNull());
    }
    return joined.withColumn(CLASS, when(col(DONE_SHA).isNull(), NEW).when(unchanged, UNCHANGED).otherwise(CHECK));
  }

  /** Source checks (SourceCheckTable rows) of the given images, made by tasks that read and hash them. */
  private static Dataset<Row> hash(SparkSession spark, Dataset<Row> images, long count, Timestamp runStarted,
      long maxFileBytes, TableImages table, Broadcast<SerializableConfiguration> conf, LongAccumulator sourceBytes) {
    return images.transform(d -> Chunks.byContainer(d, EncodeStage.partitions(spark, count,
            TaskSizing.IMAGES_PER_PARTITION)))
        .mapPartitions(new HashSources(conf, maxFileBytes, runStarted, sourceBytes, table),
            Encoders.row(SourceCheckTable.SCHEMA));
  }

  /** An EncodePartition.INPUT row of a row holding its columns and more. */
  private static Row input(Row r) {
    String[] names = EncodePartition.INPUT.fieldNames();
    Object[] values = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      values[i] = r.get(r.fieldIndex(names[i]));
    }
    return new GenericRowWithSchema(values, EncodePartition.INPUT);
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
  public static String[] using(String... columns) {
    return columns;
  }
}
