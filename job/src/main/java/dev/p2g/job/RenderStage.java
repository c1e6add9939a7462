package dev.p2g.job;

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

import dev.p2g.render.Scale;
import dev.p2g.spark.ErrorRecord;
import dev.p2g.spark.FieldTable;
import dev.p2g.spark.ManifestTable;
import dev.p2g.spark.RenderPartition;
import dev.p2g.spark.RenderSettings;
import dev.p2g.spark.SerializableHadoopConf;
import dev.p2g.spark.StageAccumulators;
import dev.p2g.spark.TiledRenderPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Stage 2 on the driver: renders stored fields at every scale into pyramid/ and manifest/. The
 * manifest is append-only and is the record of what is complete: a (field, level) with a manifest
 * row for the same source hash, model and format is skipped. Work goes in chunks of fields/ files,
 * each a Spark job that commits its own manifest files; files whose fields are all done are not
 * read at all.
 */
final class RenderStage {
  /** written: images rendered by this run; skipped: (field, level) pairs already in the manifest. */
  record Result(long fields, long written, long skipped, long superseded, boolean leftoversRemoved, int chunks,
      double busySeconds,
      Map<String, Long> imagesPerLevel, List<ErrorRecord> errors) {}

  /** A fields/ file to render: its rows, and whether some of them have some levels done already. */
  private record FieldsFile(String uri, long rows, boolean partlyDone) {}

  /** Images stored as tiles, and the chunks they were rendered in. */
  private record Tiled(long images, int chunks) {}

  /** Rows that hold a whole image; the others are tiles of a larger one. */
  private static final Column WHOLE = col("tile_width").equalTo(col("width"))
      .and(col("tile_height").equalTo(col("height")));

  private RenderStage() {}

  /**
   * Images stored as tiles: one row each (its files, size, reach, levels already done), rendered
   * band by band in chunks of images. Returns how many such images there are and the chunks run.
   */
  private static Tiled renderTiled(SparkSession spark, Dataset<Row> tiles, String manifestUri,
      RenderSettings settings, long perChunk, Broadcast<SerializableHadoopConf> conf, StageAccumulators counters,
      java.util.function.LongConsumer found) throws SystemicException {
    List<String> imageColumns = List.of("key", "width", "height", "source_uri", "source_sha256", "model_id");
    Dataset<Row> images = tiles.withColumn("file", input_file_name())
        .groupBy(imageColumns.stream().map(functions::col).toArray(Column[]::new))
        .agg(collect_set("file").as("files"), max("reach").as("reach"),
            max("tile_height").as("max_tile_height"), count(lit(1)).as("tiles"));
    List<String> levels = settings.scales().stream().map(Scale::level).toList();
    if (exists(manifestUri, conf.value().get())) {
      Dataset<Row> done = spark.read().schema(ManifestTable.SCHEMA).parquet(manifestUri)
          .filter(col(ManifestTable.LEVEL).isin(levels.toArray())
              .and(col("format").equalTo(settings.format().extension())))
          .groupBy("key", "source_sha256", "model_id").agg(collect_set(ManifestTable.LEVEL).as("done"));
      images = images.join(done, scala.jdk.javaapi.CollectionConverters.asScala(
          List.of("key", "source_sha256", "model_id")).toSeq(), "left");
    } else {
      images = images.withColumn("done", lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)));
    }
    // images missing tiles (one failed in encode) are not rendered: their outputs would have holes
    Dataset<Row> counts = EncodeStage.tileCounts(tiles);
    for (Row r : counts.filter(col("stored").notEqual(col("expected"))).collectAsList()) {
      for (String level : levels) {
        counters.errors().add(new dev.p2g.spark.ErrorRecord(r.getString(0), null,
            dev.p2g.spark.ErrorRecord.RENDER, level, "render.tiles", r.getLong(2) + " of the " + r.getLong(3)
            + " tiles of this image are stored (a tile failed in encode); run encode again"));
      }
    }
    images = images.join(counts.filter(col("stored").equalTo(col("expected"))).select("key", "source_sha256"),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of("key", "source_sha256")).toSeq());
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
        images.filter(functions.pmod(functions.hash(col("key")), lit(chunks)).equalTo(i))
            .repartition((int) Math.max(1, Math.min(2L * slots, (count + chunks - 1) / chunks)))
            .mapPartitions(new TiledRenderPartition(settings, conf, counters),
                org.apache.spark.sql.Encoders.row(ManifestTable.SCHEMA))
            .write().mode(SaveMode.Append).partitionBy(ManifestTable.LEVEL).parquet(manifestUri);
      }
    }
    images.unpersist();
    return new Tiled(count, chunks);
  }

  static LatestRows.Table table(String manifestUri) {
    return new LatestRows.Table(manifestUri, ManifestTable.SCHEMA, List.of("key", ManifestTable.LEVEL),
        ManifestTable.RENDERED_AT, List.of(ManifestTable.LEVEL));
  }

  /** fieldsCompacted: the caller's encode has just left fields/ at one generation per image. */
  static Result run(SparkSession spark, String fieldsUri, RenderSettings settings, long commitEvery,
      boolean fieldsCompacted, Broadcast<SerializableHadoopConf> conf, ProgressReporter progress)
      throws SystemicException {
    spark.sparkContext().setJobGroup("p2g-render", "p2g render stage at " + settings.scales(), false);
    try {
      return render(spark, fieldsUri, settings, commitEvery, fieldsCompacted, conf, progress);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  private static Result render(SparkSession spark, String fieldsUri, RenderSettings settings, long commitEvery,
      boolean fieldsCompacted, Broadcast<SerializableHadoopConf> conf, ProgressReporter progress)
      throws SystemicException {
    Configuration hadoop = conf.value().get();
    readFields(spark, fieldsUri);
    if (!fieldsCompacted) {
      LatestRows.compact(spark, EncodeStage.table(fieldsUri), hadoop); // one field per image before rendering
    }
    Dataset<Row> fields = spark.read().schema(FieldTable.SCHEMA).parquet(fieldsUri);
    long fieldCount = fields.select("key").distinct().count();
    String manifestUri = settings.layout().manifest();
    boolean leftovers = Leftovers.clear(manifestUri, hadoop);
    removeOrphanedImages(spark, manifestUri, hadoop);
    long superseded = LatestRows.compact(spark, table(manifestUri), hadoop);

    Map<String, Set<String>> done = new HashMap<>();
    List<FieldsFile> files = plan(spark, fields.filter(WHOLE), manifestUri, settings, hadoop, done);
    long perChunk = Chunks.imagesPerChunk(commitEvery, spark.sparkContext().defaultParallelism());
    List<List<FieldsFile>> chunks = Chunks.of(files, FieldsFile::rows, perChunk);
    long toRender = files.stream().mapToLong(FieldsFile::rows).sum();
    StageAccumulators counters = StageAccumulators.register(spark, "render");
    Broadcast<Map<String, Set<String>>> doneLevels =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(done);
    long started = 0;
    int levels = settings.scales().size();
    Tiled tiled;
    try (ProgressReporter.Stage shown = progress.start("render", toRender * levels, counters)) {
      for (List<FieldsFile> chunk : chunks) {
        long rows = chunk.stream().mapToLong(FieldsFile::rows).sum();
        spark.sparkContext().setJobDescription(String.format("p2g render: fields %d-%d of %d at %s", started + 1,
            started + rows, toRender, settings.scales()));
        Dataset<Row> chunkFields = spark.read().schema(FieldTable.SCHEMA)
            .parquet(chunk.stream().map(FieldsFile::uri).toArray(String[]::new)).filter(WHOLE);
        GpuStages.mapPartitions(spark, chunkFields, new RenderPartition(settings, conf, doneLevels, counters),
                ManifestTable.SCHEMA, GpuStages.profile(spark.sparkContext().getConf(), settings.device()))
            .write().mode(SaveMode.Append).partitionBy(ManifestTable.LEVEL).parquet(manifestUri);
        started += rows;
      }
      tiled = renderTiled(spark, fields.filter(functions.not(WHOLE)), manifestUri, settings, perChunk,
          conf, counters, n -> shown.addToTotal(n * levels));
    }
    long tiledImages = tiled.images();
    spark.sparkContext().setJobDescription(null);
    doneLevels.destroy();
    if (counters.written().value() > 0) { // re-rendered changed fields supersede their old rows
      removeOrphanedImages(spark, manifestUri, hadoop);
      superseded += LatestRows.compact(spark, table(manifestUri), hadoop);
    }

    Map<String, Long> counted = new HashMap<>();
    if (exists(manifestUri, hadoop)) { // not when no field could be rendered
      for (Row r : spark.read().schema(ManifestTable.SCHEMA).parquet(manifestUri)
          .groupBy(ManifestTable.LEVEL).count().collectAsList()) {
        counted.put(r.getString(0), r.getLong(1));
      }
    }
    Map<String, Long> perLevel = new LinkedHashMap<>();
    settings.scales().forEach(s -> perLevel.put(s.level(), counted.getOrDefault(s.level(), 0L)));
    long skippedWholeFiles = (fieldCount - tiledImages - toRender) * settings.scales().size();
    return new Result(fieldCount, counters.written().value(), skippedWholeFiles + counters.skipped().value(),
        superseded, leftovers, chunks.size() + tiled.chunks(), counters.busyNanos().value() / 1e9, perLevel,
        List.copyOf(new LinkedHashSet<>(counters.errors().value())));
  }

  /**
   * The fields/ files with work left, and (into done) the levels already rendered for fields of
   * files partly done. A level counts as done for a field when the manifest has its row for the
   * same source hash and model, in the same format.
   */
  private static List<FieldsFile> plan(SparkSession spark, Dataset<Row> fields, String manifestUri,
      RenderSettings settings, Configuration hadoop, Map<String, Set<String>> done) throws SystemicException {
    Dataset<Row> index = fields.select(col("key"), col("source_sha256"), col("model_id"),
        input_file_name().as("file"));
    List<String> levels = settings.scales().stream().map(Scale::level).toList();
    Dataset<Row> doneByKey;
    if (exists(manifestUri, hadoop)) {
      Dataset<Row> rendered = spark.read().schema(ManifestTable.SCHEMA).parquet(manifestUri)
          .filter(col(ManifestTable.LEVEL).isin(levels.toArray())
              .and(col("format").equalTo(settings.format().extension())))
          .select("key", "source_sha256", "model_id", ManifestTable.LEVEL);
      doneByKey = index.join(rendered, scala.jdk.javaapi.CollectionConverters.asScala(
              List.of("key", "source_sha256", "model_id")).toSeq())
          .groupBy("file", "key").agg(collect_set(ManifestTable.LEVEL).as("done"));
    } else {
      doneByKey = spark.createDataFrame(List.of(), new StructType().add("file", DataTypes.StringType)
          .add("key", DataTypes.StringType).add("done", DataTypes.createArrayType(DataTypes.StringType)));
    }
    List<Row> perFile = index.join(doneByKey, scala.jdk.javaapi.CollectionConverters.asScala(
            List.of("file", "key")).toSeq(), "left")
        .groupBy("file")
        .agg(count(lit(1)).as("rows"),
            sum(when(size(col("done")).geq(levels.size()), 1).otherwise(0)).as("complete"),
            sum(when(col("done").isNotNull(), 1).otherwise(0)).as("touched"))
        .orderBy("file")
        .collectAsList();
    List<FieldsFile> files = new ArrayList<>();
    Set<String> partly = new HashSet<>();
    for (Row r : perFile) {
      long rows = r.getLong(1);
      long complete = r.getLong(2);
      long touched = r.getLong(3);
      if (complete < rows) {
        files.add(new FieldsFile(LatestRows.hadoopPath(r.getString(0)), rows, touched > 0));
        if (touched > 0) {
          partly.add(r.getString(0));
        }
      }
    }
    if (!partly.isEmpty()) {
      for (Row r : doneByKey.filter(col("file").isin(partly.toArray())).collectAsList()) {
        done.put(r.getString(1), new HashSet<>(r.getList(2)));
      }
    }
    return files;
  }

  /**
   * Pyramid files named only by superseded manifest rows (an image rendered again in another
   * format): removed before their rows, so a run killed in between finds them again next time.
   */
  private static void removeOrphanedImages(SparkSession spark, String manifestUri, Configuration hadoop)
      throws SystemicException {
    if (!exists(manifestUri, hadoop)) {
      return;
    }
    WindowSpec group = Window.partitionBy(col("key"), col(ManifestTable.LEVEL));
    List<Row> orphans = spark.read().schema(ManifestTable.SCHEMA).parquet(manifestUri)
        .withColumn("latest_path", max_by(col("path"), col(ManifestTable.RENDERED_AT)).over(group))
        .withColumn("latest_at", max(col(ManifestTable.RENDERED_AT)).over(group))
        .filter(col(ManifestTable.RENDERED_AT).lt(col("latest_at")).and(col("path").notEqual(col("latest_path"))))
        .select("path").distinct().collectAsList();
    try {
      for (Row r : orphans) {
        Path p = new Path(r.getString(0));
        p.getFileSystem(hadoop).delete(p, false);
      }
    } catch (IOException e) {
      throw new SystemicException("cannot remove superseded pyramid images: " + e.getMessage(), e);
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

  static Dataset<Row> readFields(SparkSession spark, String fieldsUri) throws SystemicException {
    Dataset<Row> fields;
    try {
      fields = spark.read().parquet(fieldsUri);
    } catch (Exception e) { // AnalysisException for a missing path or no Parquet files
      throw new SystemicException("cannot read fields from " + fieldsUri + ": " + firstLine(e), e);
    }
    for (String column : FieldTable.SCHEMA.fieldNames()) {
      if (!List.of(fields.columns()).contains(column)) {
        throw new SystemicException(fieldsUri + " is not a fields table: it has no column '" + column + "'");
      }
    }
    return fields;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
