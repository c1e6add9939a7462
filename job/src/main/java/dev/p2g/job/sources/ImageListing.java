package dev.p2g.job.sources;

import dev.p2g.io.ImageKeys;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.p2g.job.common.SystemicException;
import dev.p2g.sources.ListFiles;
import dev.p2g.sources.ListShardMembers;
import dev.p2g.sources.ListTableRows;
import dev.p2g.sources.PackedSources;
import dev.p2g.sources.TableImages;
import dev.p2g.spark.EncodePartition;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Lists the images under the input URIs. The driver walks the folders first, within a budget
 * (DriverWalk): a small input is then listed and its keys, image extensions and duplicate output
 * names worked out on the driver, with no Spark job. Whatever the walk leaves is Spark work: the
 * folders are listed by tasks, a round per level for the first SHALLOW_ROUNDS levels (so that
 * folders of one level are listed in parallel, on S3 as on HDFS), then each folder found is
 * listed recursively by one task, and keys and duplicates are worked out in the same Datasets:
 * the driver then holds a few counts, never a row per file. Both paths give the same listing
 * (ImageListingTest). Empty files are listed too: they must reach encode to get their errors/ row.
 */
public final class ImageListing {
  /**
   * Levels listed one folder per task before the rest is listed recursively: enough to spread
   * the usual layouts (root/class/*.jpg, root/split/class/*.jpg) over the cluster.
   */
  static final int SHALLOW_ROUNDS = 2;
  /** The errors/ class of an image refused for its output name, and the text around the stem and the URI taken. */
  static final String DUPLICATE_NAME = "list.duplicate-name";
  static final String[] DUPLICATE_TEXT = {"another input file has the same output name '",
      ".*' and was taken instead (", "; the first by URI wins)"};

  /**
   * The listing: images to encode (EncodePartition.INPUT, cached until release), what it refused
   * (errors/ rows: duplicate names, and containers or members that cannot be listed), and the
   * counts the summary prints. local: the images' rows themselves when the driver listed them
   * (a small input), else null.
   */
  public record Listing(Supplier<Dataset<Row>> imagesData, Supplier<Dataset<Row>> refusedData, long imageCount,
      long imageBytes, long otherFiles, long duplicateCount, long unlistable, List<Dataset<Row>> cached,
      List<Row> local) {
    /** The images as a Dataset: made when first asked for (a small run planned on the driver never does). */
    public Dataset<Row> images() {
      return imagesData.get();
    }

    public Dataset<Row> refused() {
      return refusedData.get();
    }

    public long refusedCount() {
      return duplicateCount + unlistable;
    }

    public void release() {
      cached.forEach(Dataset::unpersist);
    }
  }

  private ImageListing() {}

  /** table: where Parquet input tables hold their images (format PARQUET only). */
  public static Listing list(SparkSession spark, List<String> inputs, InputFormat format, TableImages table,
      Broadcast<SerializableConfiguration> conf) throws SystemicException {
    int driverEntries = Integer.parseInt(spark.conf().get(DriverWalk.ENTRIES_KEY,
        Integer.toString(DriverWalk.MAX_ENTRIES)));
    return list(spark, inputs, format, table, conf, driverEntries);
  }

  /** driverEntries: the driver's budget of entries (0: everything is listed by Spark tasks). */
  public static Listing list(SparkSession spark, List<String> inputs, InputFormat format, TableImages table,
      Broadcast<SerializableConfiguration> conf, int driverEntries) throws SystemicException {
    List<Row> roots = new ArrayList<>();
    List<Row> rootFiles = new ArrayList<>();
    for (String input : inputs) {
      root(input, conf, roots, rootFiles);
    }
    Optional<List<Row>> walked = DriverWalk.walk(roots, rootFiles, conf.value().value(), driverEntries,
        DriverWalk.MAX_LISTINGS);
    if (walked.isPresent() && format == InputFormat.FILES) {
      return DriverListing.of(spark, walked.get());
    }
    // A large input is listed by Spark from its roots: the rounds spread the first levels over
    // the cluster and list the rest recursively, which the driver's partial walk would upset
    // (what it found is at most its budget, listed again). Packed inputs walked whole by the
    // driver start from its files: their containers are listed by tasks either way.
    List<Dataset<Row>> cached = new ArrayList<>();
    Dataset<Row> files = walked.isPresent() ? spark.createDataFrame(walked.get(), ListFiles.SCHEMA)
        : listBySpark(spark, roots, rootFiles, conf, cached);
    return images(unpack(files, format, table, conf), format, cached);
  }

  /** Every file under the roots, listed by tasks: a round per level for the first levels, then each folder recursively. */
  private static Dataset<Row> listBySpark(SparkSession spark, List<Row> roots, List<Row> rootFiles,
      Broadcast<SerializableConfiguration> conf, List<Dataset<Row>> cached) {
    Dataset<Row> files = spark.createDataFrame(rootFiles, ListFiles.SCHEMA);
    Dataset<Row> folders = spark.createDataFrame(roots, ListFiles.SCHEMA);
    int parallel = 4 * spark.sparkContext().defaultParallelism();
    long pending = roots.size();
    for (int round = 0; round <= SHALLOW_ROUNDS && pending > 0; round++) {
      boolean deep = round == SHALLOW_ROUNDS;
      // the roots are a handful: spreading them would cost a shuffle for nothing
      Dataset<Row> found = (round == 0 ? folders : folders.repartition(parallel))
          .flatMap(new ListFiles(conf, deep), Encoders.row(ListFiles.SCHEMA));
      if (!deep) { // read twice, as files and as the next round's folders: list it once, now
        found = found.persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(found);
        folders = found.filter(col("is_dir"));
        pending = folders.count(); // no folders below: no further round
      }
      files = files.union(found.filter(not(col("is_dir"))));
    }
    return files;
  }

  /** The listed files' images, their counts, and the refused ones (duplicate names, unreadable containers). */
  private static Listing images(Dataset<Row> listed, InputFormat format, List<Dataset<Row>> cached) {
    Dataset<Row> unlistable = null;
    long unlistableCount = 0;
    if (format != InputFormat.FILES) { // containers are read: some may be damaged
      listed = listed.persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(listed);
      unlistable = listed.filter(col("error_class").isNotNull())
          .select(col("key"), col("uri").as("source_uri"), lit(null).cast("string").as("level"), col("error_class"),
              col("message"), lit(ErrorRecord.ENCODE).as(ErrorRecord.STAGE));
      unlistableCount = unlistable.count();
      listed = listed.filter(col("error_class").isNull());
    }
    // the first image by URI keeps an output name; later ones with the same stem are refused
    Dataset<Row> ranked = listed.withColumn("stem_rank", when(col("image"),
            row_number().over(Window.partitionBy(stem(col("key"))).orderBy(col("uri"), col("position"))))
            .otherwise(lit(0)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(ranked);
    Column taken = col("image").and(col("stem_rank").equalTo(1));
    Row counts = ranked.agg(
        sum(when(taken, 1L).otherwise(0L)),
        sum(when(not(col("image")), 1L).otherwise(0L)),
        sum(when(col("stem_rank").gt(1), 1L).otherwise(0L)),
        sum(when(taken, col(dev.p2g.tables.FieldTable.SOURCE_SIZE)).otherwise(0L))).first();
    Dataset<Row> images = ranked.filter(taken)
        .select(java.util.Arrays.stream(EncodePartition.INPUT.fieldNames()).map(functions::col)
            .toArray(Column[]::new));
    Dataset<Row> first = ranked.filter(col("stem_rank").equalTo(1))
        .select(stem(col("key")).as("stem"), col("uri").as("first_uri"));
    Dataset<Row> duplicates = ranked.filter(col("stem_rank").gt(1))
        .join(first, stem(col("key")).equalTo(col("stem")))
        .select(col("key"), col("uri").as("source_uri"), lit(null).cast("string").as("level"),
            lit(DUPLICATE_NAME).as("error_class"),
            functions.concat(lit(DUPLICATE_TEXT[0]), col("stem"), lit(DUPLICATE_TEXT[1]), col("first_uri"),
                lit(DUPLICATE_TEXT[2])).as("message"),
            lit(ErrorRecord.ENCODE).as(ErrorRecord.STAGE));
    Dataset<Row> refused = unlistable == null ? duplicates : duplicates.unionByName(unlistable);
    return new Listing(() -> images, () -> refused, orZero(counts, 0), orZero(counts, 3), orZero(counts, 1),
        orZero(counts, 2), unlistableCount, cached, null);
  }

  /**
   * The listed files as PackedSources.MEMBER rows: files as they are; for packed inputs, each
   * container (.tar shard or .parquet file) listed by a task into its images (or error rows),
   * and the other files counted as other files.
   */
  private static Dataset<Row> unpack(Dataset<Row> files, InputFormat format, TableImages table,
      Broadcast<SerializableConfiguration> conf) {
    if (format == InputFormat.FILES) {
      return withoutPacking(files, col("image"));
    }
    String extension = format == InputFormat.WEBDATASET ? PackedSources.SHARD_EXTENSION
        : PackedSources.TABLE_EXTENSION;
    Column container = functions.lower(col("key")).endsWith("." + extension);
    FlatMapFunction<Row, Row> lister = format == InputFormat.WEBDATASET ? new ListShardMembers(conf)
        : new ListTableRows(conf, table);
    int parallel = 4 * files.sparkSession().sparkContext().defaultParallelism();
    Dataset<Row> members = files.filter(container).repartition(parallel)
        .flatMap(lister, Encoders.row(PackedSources.MEMBER));
    return members.unionByName(withoutPacking(files.filter(not(container)), lit(false)));
  }

  /** Listed files as MEMBER rows that are not packed; image: whether each counts as an image. */
  private static Dataset<Row> withoutPacking(Dataset<Row> files, Column image) {
    return files.withColumn("image", image)
        .withColumn("container", lit(null).cast("string"))
        .withColumn("position", lit(null).cast("long"))
        .withColumn("error_class", lit(null).cast("string"))
        .withColumn("message", lit(null).cast("string"))
        .withColumn(FieldTable.ATTRIBUTES, lit(null).cast(FieldTable.ATTRIBUTES_TYPE));
  }

  private static long orZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }

  /** The key without the extension of its last part: ImageKeys.stem, which DriverListing calls too. */
  static Column stem(Column key) {
    return STEM.apply(key);
  }

  /** ImageKeys.stem as a Spark function: the driver's listing and Spark's name stems the same way. */
  private static final UserDefinedFunction STEM = functions.udf((UDF1<String, String>) ImageKeys::stem,
      DataTypes.StringType);

  /** The roots are the only paths the driver looks at: a folder to list, or a file given by name. */
  private static void root(String input, Broadcast<SerializableConfiguration> conf, List<Row> roots,
      List<Row> rootFiles) throws SystemicException {
    Path path = new Path(input);
    try {
      FileSystem fs = path.getFileSystem(conf.value().value());
      FileStatus status = fs.getFileStatus(path);
      Path qualified = fs.makeQualified(path);
      if (status.isDirectory()) {
        roots.add(ListFiles.folder(qualified.toUri().getPath(), qualified.toString()));
      } else {
        rootFiles.add(ListFiles.file(qualified.getParent().toUri().getPath(), fs.getFileStatus(qualified)));
      }
    } catch (FileNotFoundException e) {
      throw new SystemicException("input does not exist: " + input);
    } catch (IOException e) {
      throw new SystemicException("cannot read input " + input + ": " + e.getMessage(), e);
    }
  }
}
