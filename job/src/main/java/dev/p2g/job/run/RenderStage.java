package dev.p2g.job.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.p2g.job.common.SystemicException;
import dev.p2g.job.common.TaskSizing;
import dev.p2g.job.report.LevelCounts;
import dev.p2g.job.tables.DriverTable;
import dev.p2g.job.tables.ErrorLog;
import dev.p2g.job.tables.LatestRows;
import dev.p2g.job.tables.Leftovers;
import dev.p2g.job.tables.ShardSweep;
import dev.p2g.job.tables.TableRewrite;
import dev.p2g.render.Scale;
import dev.p2g.sources.DeleteFiles;
import dev.p2g.sources.ListFiles;
import dev.p2g.spark.RenderPartition;
import dev.p2g.spark.RenderSettings;
import dev.p2g.spark.StageAccumulators;
import dev.p2g.spark.TiledRenderPartition;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Stage 2 on the driver: renders stored fields at every scale into pyramid/ and manifest/. The
 * manifest is append-only and is the record of what is complete: a (field, level) with a manifest
 * row for the same source hash, model and format is skipped. Work goes in chunks of fields/ files,
 * each a Spark job that commits its own manifest files; files whose fields are all done are not
 * read at all.
 */
public final class RenderStage {
  /** written: images rendered by this run; skipped: (field, level) pairs already in the manifest. */
  record Result(long fields, long written, long skipped, long failed, long superseded, boolean leftoversRemoved,
      int chunks, double busySeconds, Map<String, LevelCounts> levels, List<String> devices) {

    /** Images per level in the manifest now, for the summary line. */
    Map<String, Long> imagesPerLevel() {
      Map<String, Long> out = new LinkedHashMap<>();
      levels.forEach((level, counts) -> out.put(level, counts.images()));
      return out;
    }
  }

  /** A fields/ file to render: its rows, and whether some of them have some levels done already. */
  public record FieldsFile(String uri, long rows, boolean partlyDone) {}

  /** Images stored as tiles (those missing a tile apart), and the chunks they were rendered in. */
  private record Tiled(long images, long incomplete, int chunks) {}

  /**
   * What render has to do: the fields/ files with whole images left to render, and counts over all
   * of fields/; replaces: whether some whole image left to render may have a manifest row at one
   * of its levels to render already (another format, source or model), which its new row supersedes;
   * tiledWork: whether images stored as tiles may need rendering (renderTiled's own plan decides);
   * tiledDone: when they do not, how many there are (every level of theirs done).
   */
  public record Plan(List<FieldsFile> files, long wholeFields, long tileRows, boolean replaces, boolean tiledWork,
      long tiledDone) {}

  /**
   * Why a chunk's manifest rows are shuffled to one writer: written by the render tasks
   * themselves, they made a file per task and level, 64 rows each for large images, and every
   * later plan reads every file (1,000,000 images at 64 a task: 31,250 files, an all-done render
   * plan of 152 s on 2 cores). The tasks render in parallel as before; only their rows move.
   * Counts of images written come from the committed manifest (LevelCounts), not from task
   * accumulators, which a re-run map stage (a lost executor's shuffle output) would add twice.
   */
  private static final int MANIFEST_FILES = 1;

  /** Rows that hold a whole image; the others are tiles of a larger one. */
  public static final Column WHOLE = col("tile_width").equalTo(col("width"))
      .and(col("tile_height").equalTo(col("height")));

  private RenderStage() {}

  /**
   * Images stored as tiles: one row each (its files, size, reach, levels already done), rendered
   * band by band in chunks of images. Returns how many such images there are and the chunks run.
   */
  private static Tiled renderTiled(SparkSession spark, Dataset<Row> tiles, String manifestUri,
      RenderSettings settings, long perChunk, Broadcast<SerializableConfiguration> conf, StageAccumulators counters,
      ErrorLog errors, java.util.Set<String> devices, ShardSweep sweep, java.util.function.LongConsumer found)
      throws SystemicException {
    List<String> imageColumns = List.of("key", "width", "height", "source_uri", "source_sha256", "model_id");
    Dataset<Row> images = tiles.withColumn("file", input_file_name())
        .groupBy(imageColumns.stream().map(functions::col).toArray(Column[]::new))
        .agg(collect_set("file").as("files"), max("reach").as("reach"),
            max("tile_height").as("max_tile_height"), count(lit(1)).as("tiles"),
            functions.first(FieldTable.ATTRIBUTES).as(FieldTable.ATTRIBUTES)); // a map cannot be a grouping key
    List<String> levels = settings.scales().stream().map(Scale::level).toList();
    if (exists(manifestUri, conf.value().value())) {
      Dataset<Row> done = spark.read().schema(ManifestTable.SCHEMA).parquet(manifestUri)
          .filter(col(ManifestTable.LEVEL).isin(levels.toArray())
              .and(col("format").equalTo(settings.format().extension())))
          .groupBy("key", "source_sha256", "model_id").agg(collect_set(ManifestTable.LEVEL).as("done"));
      images = images.join(done, EncodePlan.using("key", "source_sha256", "model_id"), "left");
    } else {
      images = images.withColumn("done", lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)));
    }
    // images missing tiles (one failed in encode) are not rendered: their outputs would have holes
    Dataset<Row> counts = EncodeStage.tileCounts(tiles);
    Dataset<Row> incomplete = counts.filter(col("stored").notEqual(col("expected")))
        .withColumn("level", functions.explode(functions.array(levels.stream().map(functions::lit)
            .toArray(Column[]::new))))
        .select(col("key"), col("source_uri"), col("level"), lit("render.tiles").as("error_class"),
            functions.concat(col("stored").cast("string"), lit(" of the "), col("expected").cast("string"),
                lit(" tiles of this image are stored (a tile failed in encode); run encode again")).as("message"),
            lit(ErrorRecord.RENDER).as(ErrorRecord.STAGE))
        .persist();
    long incompleteRows = incomplete.count();
    long incompleteImages = incompleteRows / levels.size();
    if (incompleteRows > 0) {
      errors.append(incomplete);
      counters.failed().add(incompleteRows);
    }
    incomplete.unpersist();
    images = images.join(counts.filter(col("stored").equalTo(col("expected"))).select("key", "source_sha256"),
        EncodePlan.using("key", "source_sha256"));
    images = images.select(java.util.Arrays.stream(TiledRenderPartition.INPUT.fieldNames())
        .map(functions::col).toArray(Column[]::new)).persist();
    long count = images.count();
    found.accept(count);
    int chunks = 0;
    if (count > 0) {
      chunks = (int) Math.max(1, (count + perChunk - 1) / perChunk);
      int slots = spark.sparkContext().defaultParallelism();
      for (int i = 0; i < chunks; i++) {
        spark.sparkContext().setJobDescription(String.format("p2g render: tiled images, part %d of %d at %s",
            i + 1, chunks, settings.scales()));
        LatestRows.appending(table(manifestUri), conf.value().value());
        images.filter(functions.pmod(functions.hash(col("key")), lit(chunks)).equalTo(i))
            .repartition((int) Math.max(1, Math.min(2L * slots, (count + chunks - 1) / chunks)))
            .mapPartitions(new TiledRenderPartition(settings, conf, counters),
                org.apache.spark.sql.Encoders.row(ManifestTable.SCHEMA))
            .repartition(MANIFEST_FILES) // manifest rows are small: one file a level a chunk
            .write().mode(SaveMode.Append).partitionBy(ManifestTable.LEVEL).parquet(manifestUri);
        commitChunk(counters, errors, devices, sweep);
      }
    }
    images.unpersist();
    return new Tiled(count, incompleteImages, chunks);
  }

  static LatestRows.Table table(String manifestUri) {
    return new LatestRows.Table(manifestUri, ManifestTable.SCHEMA, List.of("key", ManifestTable.LEVEL),
        ManifestTable.RENDERED_AT, List.of(ManifestTable.LEVEL));
  }

  static Result run(SparkSession spark, String fieldsUri, RenderSettings settings, long commitEvery,
      Broadcast<SerializableConfiguration> conf, ErrorLog errors, ProgressReporter progress) throws SystemicException {
    spark.sparkContext().setJobGroup("p2g-render", "p2g render stage at " + settings.scales(), false);
    try {
      return render(spark, fieldsUri, settings, commitEvery, conf, errors, progress);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  private static Result render(SparkSession spark, String fieldsUri, RenderSettings settings, long commitEvery,
      Broadcast<SerializableConfiguration> conf, ErrorLog errors, ProgressReporter progress) throws SystemicException {
    Configuration hadoop = conf.value().value();
    checkFields(fieldsUri, hadoop);
    LatestRows.compact(spark, EncodeStage.table(fieldsUri), hadoop); // one field per image before rendering
    String manifestUri = settings.layout().manifest();
    boolean leftovers = Leftovers.clear(manifestUri, hadoop);
    leftovers |= Leftovers.clear(settings.layout().pyramid(), hadoop); // S3: uploads of large images cut short
    long superseded = compactManifest(spark, manifestUri, conf); // a killed run's, first
    ShardSweep sweep = new ShardSweep(spark, settings, hadoop);
    leftovers |= sweep.run() > 0; // a killed run's shards: unfinished, or finished but never recorded
    errors.clear(ErrorRecord.RENDER, new LinkedHashSet<>(settings.scales().stream().map(Scale::level).toList()));

    // Datasets made only when a query or a chunk needs them: a plan made on the driver needs none
    boolean manifestExists = exists(manifestUri, hadoop);
    Memo<Dataset<Row>> fields = new Memo<>(() -> spark.read().schema(FieldTable.SCHEMA).parquet(fieldsUri));
    Memo<Dataset<Row>> doneLevels = new Memo<>(() -> manifestExists ? doneLevels(spark, manifestUri, settings) : null);
    Plan plan = planOnDriver(spark, fieldsUri, manifestUri, settings, hadoop);
    if (plan == null) {
      plan = plan(fields.get(), doneLevels.get(), settings);
    }
    int slots = spark.sparkContext().defaultParallelism();
    // a fields/ file is a task's worth, as encode wrote it: WAVES waves of files, or --commit-every fields
    List<List<FieldsFile>> chunks = commitEvery > 0 ? Chunks.consecutive(plan.files(), FieldsFile::rows, commitEvery)
        : Chunks.consecutive(plan.files(), f -> 1L, (long) TaskSizing.WAVES * slots);
    long perChunk = Chunks.imagesPerChunk(commitEvery, slots, TaskSizing.IMAGES_PER_PARTITION); // tiled images
    long toRender = plan.files().stream().mapToLong(FieldsFile::rows).sum();
    StageAccumulators counters = StageAccumulators.register(spark, "render");
    java.util.Set<String> devices = new java.util.TreeSet<>();
    long started = 0;
    int levels = settings.scales().size();
    Tiled tiled = new Tiled(0, 0, 0);
    try (ProgressReporter.Stage shown = progress.start("render", toRender * levels, counters)) {
      for (List<FieldsFile> chunk : chunks) {
        long rows = chunk.stream().mapToLong(FieldsFile::rows).sum();
        spark.sparkContext().setJobDescription(String.format("p2g render: fields %d-%d of %d at %s", started + 1,
            started + rows, toRender, settings.scales()));
        Dataset<Row> chunkFields = withDoneLevels(spark.read().schema(FieldTable.SCHEMA)
            .parquet(chunk.stream().map(FieldsFile::uri).toArray(String[]::new)).filter(WHOLE), chunk,
            doneLevels.get());
        LatestRows.appending(table(manifestUri), hadoop);
        oneTaskPerFile(spark, () -> GpuStages.mapPartitions(spark, chunkFields,
                new RenderPartition(settings, conf, counters), ManifestTable.SCHEMA,
                GpuStages.profile(spark.sparkContext().getConf(), settings.device()))
            .repartition(MANIFEST_FILES)
            .write().mode(SaveMode.Append).partitionBy(ManifestTable.LEVEL).parquet(manifestUri));
        commitChunk(counters, errors, devices, sweep);
        started += rows;
      }
      if (plan.tiledWork()) {
        tiled = renderTiled(spark, fields.get().filter(functions.not(WHOLE)), manifestUri, settings, perChunk,
            conf, counters, errors, devices, sweep, n -> shown.addToTotal(n * levels));
      }
    }
    spark.sparkContext().setJobDescription(null);
    if (plan.replaces() || tiled.images() > 0) { // re-rendered changed fields supersede their old rows
      superseded += compactManifest(spark, manifestUri, conf);
    } else if (chunks.size() > 0) { // new rows only, on a manifest compacted above: nothing to look for
      LatestRows.compacted(table(manifestUri), hadoop);
    }
    sweep.run(); // shards whose every image was rendered again

    Map<String, LevelCounts> perLevel;
    try {
      perLevel = LevelCounts.of(spark, manifestUri, settings.scales().stream().map(Scale::level).toList(),
          settings.runStarted(), hadoop);
    } catch (IOException e) {
      throw new SystemicException("cannot read " + manifestUri + ": " + e.getMessage(), e);
    }
    long skippedWholeFiles = (plan.wholeFields() - toRender) * levels + plan.tiledDone() * levels;
    long written = perLevel.values().stream().mapToLong(LevelCounts::writtenThisRun).sum();
    return new Result(plan.wholeFields() + plan.tiledDone() + tiled.images() + tiled.incomplete(), written,
        skippedWholeFiles + counters.skipped().value(), counters.failed().value(), superseded, leftovers,
        chunks.size() + tiled.chunks(), counters.busyNanos().value() / 1e9, perLevel, List.copyOf(devices));
  }

  /**
   * Superseded manifest rows and the pyramid files only they name, removed; nothing to do (not a
   * row read) while the manifest's marker says nothing was appended since its last compaction.
   */
  private static long compactManifest(SparkSession spark, String manifestUri, Broadcast<SerializableConfiguration> conf)
      throws SystemicException {
    if (LatestRows.isCompacted(table(manifestUri), conf.value().value())) {
      return 0;
    }
    removeOrphanedImages(spark, manifestUri, conf);
    return LatestRows.compact(spark, table(manifestUri), conf.value().value());
  }

  /**
   * A chunk has committed: its failures go to errors/, its tasks' devices (one entry a task) into
   * the stage's set, and the driver forgets both; shards its failed task attempts left are removed.
   */
  private static void commitChunk(StageAccumulators counters, ErrorLog errors, java.util.Set<String> devices,
      ShardSweep sweep) throws SystemicException {
    errors.append(counters.errors().value());
    counters.errors().reset();
    devices.addAll(counters.devices().value());
    counters.devices().reset();
    sweep.run();
  }

  static final String OPEN_COST = "spark.sql.files.openCostInBytes";

  /**
   * Runs a chunk's write with each fields/ file its own task, as encode's task wrote it: Spark
   * packs small files into a few partitions (adding 4 MB per file to their sizes), which left a
   * chunk of a few small images to two tasks of unequal work. A file's cost of a whole partition
   * (spark.sql.files.maxPartitionBytes) puts one file per task; larger files still split by row
   * group. The session's own setting is back once the write is done.
   */
  private static void oneTaskPerFile(SparkSession spark, Runnable write) {
    scala.Option<String> previous = spark.conf().getOption(OPEN_COST);
    spark.conf().set(OPEN_COST, spark.conf().get("spark.sql.files.maxPartitionBytes", "128m"));
    try {
      write.run();
    } finally {
      if (previous.isDefined()) {
        spark.conf().set(OPEN_COST, previous.get());
      } else {
        spark.conf().unset(OPEN_COST);
      }
    }
  }

  /** A value made once, when first asked for. */
  private static final class Memo<T> {
    private final java.util.function.Supplier<T> make;
    private boolean made;
    private T value;

    Memo(java.util.function.Supplier<T> make) {
      this.make = make;
    }

    T get() {
      if (!made) {
        value = make.get();
        made = true;
      }
      return value;
    }
  }

  /**
   * (key, source_sha256, model_id, done): the levels of this run the manifest (which exists)
   * already holds for a field, in this format.
   */
  public static Dataset<Row> doneLevels(SparkSession spark, String manifestUri, RenderSettings settings) {
    List<String> levels = settings.scales().stream().map(Scale::level).toList();
    return spark.read().schema(ManifestTable.SCHEMA).parquet(manifestUri)
        .filter(col(ManifestTable.LEVEL).isin(levels.toArray())
            .and(col("format").equalTo(settings.format().extension())))
        .groupBy("key", "source_sha256", "model_id").agg(collect_set(ManifestTable.LEVEL).as("done"));
  }

  /**
   * The fields/ files with whole images left to render, in order, and whether some of their fields
   * have some levels done already; with the table's whole images and tile rows counted in the
   * same pass. One row per file on the driver (a file holds a task's worth of fields), never one
   * per field. Whether a new row will supersede one is not asked of a table this size (another
   * join over the manifest): the compaction after the chunks, which finds out, runs.
   */
  public static Plan plan(Dataset<Row> fields, Dataset<Row> doneLevels, RenderSettings settings) {
    Dataset<Row> index = fields.select(col("key"), col("source_sha256"), col("model_id"), WHOLE.as("whole"),
        input_file_name().as("file"));
    int levels = settings.scales().size();
    Dataset<Row> perField = doneLevels == null
        ? index.withColumn("done", lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)))
        : index.join(doneLevels, EncodePlan.using("key", "source_sha256", "model_id"), "left");
    Column whole = col("whole");
    List<FieldsFile> files = new ArrayList<>();
    long wholeFields = 0;
    long tileRows = 0;
    for (Row r : perField.groupBy("file")
        .agg(sum(when(whole, 1L).otherwise(0L)).as("rows"),
            sum(when(whole.and(size(col("done")).geq(levels)), 1L).otherwise(0L)).as("complete"),
            sum(when(whole.and(col("done").isNotNull()), 1L).otherwise(0L)).as("touched"),
            sum(when(whole, 0L).otherwise(1L)).as("tiles"))
        .orderBy("file")
        .collectAsList()) {
      long rows = r.getAs("rows");
      wholeFields += rows;
      tileRows += r.<Long>getAs("tiles");
      if (r.<Long>getAs("complete") < rows) {
        files.add(new FieldsFile(TableRewrite.hadoopPath(r.getAs("file")), rows, r.<Long>getAs("touched") > 0));
      }
    }
    return new Plan(files, wholeFields, tileRows, doneLevels != null, tileRows > 0, 0);
  }

  /** The plan made on the driver (DriverRenderPlan) when fields/ and manifest/ are small, else null. */
  private static Plan planOnDriver(SparkSession spark, String fieldsUri, String manifestUri, RenderSettings settings,
      Configuration hadoop) {
    long maxRows = DriverTable.maxRows(spark);
    try {
      java.util.Optional<List<Row>> fields = DriverTable.read(fieldsUri, DriverRenderPlan.FIELD_COLUMNS, maxRows,
          hadoop);
      java.util.Optional<List<Row>> manifest = fields.isEmpty() ? java.util.Optional.empty()
          : DriverTable.read(manifestUri, DriverRenderPlan.MANIFEST_COLUMNS, maxRows, hadoop);
      return manifest.isPresent() ? DriverRenderPlan.plan(fields.get(), manifest.get(), settings) : null;
    } catch (IOException e) {
      return null; // Spark reads them, and says what is wrong if they cannot be read
    }
  }

  /**
   * A chunk's fields with the levels already done for each (null: none). Only fields of files
   * partly done can have any; their done rows are at most a chunk's worth, so they are broadcast
   * and the fields, parameters and all, are not shuffled.
   */
  private static Dataset<Row> withDoneLevels(Dataset<Row> chunkFields, List<FieldsFile> chunk,
      Dataset<Row> doneLevels) {
    if (doneLevels == null || chunk.stream().noneMatch(FieldsFile::partlyDone)) {
      return chunkFields.withColumn("done", lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)));
    }
    Dataset<Row> mine = doneLevels.join(chunkFields.select("key", "source_sha256", "model_id"),
        EncodePlan.using("key", "source_sha256", "model_id"), "left_semi");
    return chunkFields.join(functions.broadcast(mine), EncodePlan.using("key", "source_sha256", "model_id"),
        "left");
  }

  /**
   * Pyramid files named only by superseded manifest rows (an image rendered again in another
   * format): removed before their rows, so a run killed in between finds them again next time.
   * A shard (a row with a member or a row index) holds other images too: ShardSweep removes it
   * once no row names it.
   */
  private static void removeOrphanedImages(SparkSession spark, String manifestUri,
      Broadcast<SerializableConfiguration> conf) throws SystemicException {
    Configuration hadoop = conf.value().value();
    if (!exists(manifestUri, hadoop)) {
      return;
    }
    WindowSpec group = Window.partitionBy(col("key"), col(ManifestTable.LEVEL));
    Dataset<Row> orphans = spark.read().schema(ManifestTable.SCHEMA).parquet(manifestUri)
        .withColumn("latest_path", max_by(col("path"), col(ManifestTable.RENDERED_AT)).over(group))
        .withColumn("latest_at", max(col(ManifestTable.RENDERED_AT)).over(group))
        .filter(col(ManifestTable.RENDERED_AT).lt(col("latest_at")).and(col("path").notEqual(col("latest_path")))
            .and(col(ManifestTable.MEMBER).isNull()).and(col(ManifestTable.ROW_INDEX).isNull()))
        .select("path").distinct();
    try {
      orphans.foreachPartition(new DeleteFiles(conf));
    } catch (RuntimeException e) {
      throw new SystemicException("cannot remove superseded pyramid images: " + SystemicException.rootMessage(e), e);
    }
  }

  private static boolean exists(String uri, Configuration hadoop) throws SystemicException {
    try {
      Path p = new Path(uri);
      FileSystem fs = p.getFileSystem(hadoop);
      return fs.exists(p);
    } catch (IOException e) {
      throw new SystemicException("cannot read " + uri + ": " + e.getMessage(), e);
    }
  }

  /**
   * fields/ is there and is a fields table, told from the footer of one of its files on the driver
   * (a Spark read would infer the schema with a job). Nullable columns came later: tables written
   * before them still render, so only the others must be there.
   */
  static void checkFields(String fieldsUri, Configuration hadoop) throws SystemicException {
    Path root = new Path(fieldsUri);
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      Path first = null;
      for (var it = fs.listStatusIterator(root); it.hasNext() && first == null; ) {
        org.apache.hadoop.fs.FileStatus f = it.next();
        if (f.isFile() && f.getPath().getName().endsWith(".parquet") && !ListFiles.hidden(f.getPath())) {
          first = f.getPath();
        }
      }
      if (first == null) {
        throw new SystemicException("cannot read fields from " + fieldsUri + ": it holds no Parquet files");
      }
      List<String> columns;
      try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(first, hadoop))) {
        columns = footer.getFooter().getFileMetaData().getSchema().getFields().stream()
            .map(org.apache.parquet.schema.Type::getName).toList();
      }
      for (org.apache.spark.sql.types.StructField column : FieldTable.SCHEMA.fields()) {
        if (!column.nullable() && !columns.contains(column.name())) {
          throw new SystemicException(fieldsUri + " is not a fields table: it has no column '" + column.name() + "'");
        }
      }
    } catch (java.io.FileNotFoundException e) {
      throw new SystemicException("cannot read fields from " + fieldsUri + ": no such folder", e);
    } catch (IOException | RuntimeException e) {
      throw new SystemicException("cannot read fields from " + fieldsUri + ": " + firstLine(e), e);
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
