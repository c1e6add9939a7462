package dev.p2g.job;

import static org.apache.spark.sql.functions.col;

import dev.p2g.spark.ChangedSources;
import dev.p2g.spark.EncodePartition;
import dev.p2g.spark.EncodeSettings;
import dev.p2g.spark.ErrorRecord;
import dev.p2g.spark.FieldTable;
import dev.p2g.spark.SerializableHadoopConf;
import dev.p2g.spark.StageAccumulators;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Stage 1 on the driver. fields/ is append-only: images that already have a field for this model
 * and whose bytes still hash the same are skipped; the rest are encoded in chunks, each a Spark
 * job that commits its own files, so a killed run keeps every chunk it finished. Rows superseded
 * by a new encoding of the same image are then removed (LatestRows).
 */
final class EncodeStage {
  /**
   * fields/ rows can be tiles of 8-34 MB. Parquet checks its buffers only every 100 values by
   * default (gigabytes of tiles) and keeps untruncated min/max statistics of binary values (two
   * copies of a tile per page and per row group): check after every row, no statistics and no
   * dictionary on the parameter planes. Page and row-group checks share the row-check keys.
   * zstd, not Spark's default Snappy.
   */
  static final Map<String, String> WRITER_OPTIONS = Map.of(
      "parquet.page.size.row.check.min", "1",
      "parquet.page.size.row.check.max", "8",
      "parquet.block.size", Integer.toString(64 << 20),
      "parquet.column.statistics.enabled#params", "false",
      "parquet.statistics.truncate.length", "64",
      "parquet.enable.dictionary#params", "false",
      // q8's difference planes are made for it: 14.9 bytes per LR pixel against 24.1 with Snappy
      "compression", "zstd");

  /** Enough images per task that Spark's per-task overhead stays small next to model runs. */
  static final int IMAGES_PER_PARTITION = 64;

  static final LatestRows.Table table(String fieldsUri) {
    return new LatestRows.Table(fieldsUri, FieldTable.SCHEMA, List.of("key"), FieldTable.ENCODED_AT, List.of());
  }

  /** written: fields written by this run; skipped: images already done; superseded: old rows removed. */
  record Result(long written, long skipped, long superseded, boolean leftoversRemoved, int chunks, double busySeconds,
      List<ErrorRecord> errors) {}

  private EncodeStage() {}

  static Result run(SparkSession spark, ImageListing.Listing listing, EncodeSettings settings, String fieldsUri,
      int partitionsOption, long commitEvery, Broadcast<SerializableHadoopConf> conf, ProgressReporter progress)
      throws SystemicException {
    Configuration hadoop = conf.value().get();
    spark.sparkContext().setJobGroup("p2g-encode", "p2g encode stage", false);
    try {
      return encode(spark, listing, settings, fieldsUri, partitionsOption, commitEvery, conf, progress, hadoop);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  private static Result encode(SparkSession spark, ImageListing.Listing listing, EncodeSettings settings,
      String fieldsUri, int partitionsOption, long commitEvery, Broadcast<SerializableHadoopConf> conf,
      ProgressReporter progress, Configuration hadoop) throws SystemicException {
    boolean leftovers = Leftovers.clear(fieldsUri, hadoop);
    long superseded = LatestRows.compact(spark, table(fieldsUri), hadoop); // a killed run's, first
    List<Row> todo = pending(spark, listing.images(), settings, fieldsUri, conf);
    long skipped = listing.imageCount() - todo.size();

    StageAccumulators counters = StageAccumulators.register(spark, "encode");
    long perChunk = Chunks.imagesPerChunk(commitEvery, spark.sparkContext().defaultParallelism());
    List<List<Row>> chunks = Chunks.of(todo, r -> 1, perChunk);
    int done = 0;
    try (ProgressReporter.Stage shown = progress.start("encode", todo.size(), counters)) {
      for (List<Row> chunk : chunks) {
        int partitions = partitionsOption > 0 ? Math.min(partitionsOption, chunk.size())
            : partitions(spark, chunk.size());
        spark.sparkContext().setJobDescription(String.format("p2g encode: images %d-%d of %d to fields", done + 1,
            done + chunk.size(), todo.size()));
        GpuStages.mapPartitions(spark,
                spark.createDataFrame(chunk, EncodePartition.INPUT).repartition(partitions, col("key")),
                new EncodePartition(settings, conf, counters), FieldTable.SCHEMA,
                GpuStages.profile(spark.sparkContext().getConf(), settings.device()))
            // the row encoder drops column metadata; the footer must carry the field version
            .withMetadata("params", FieldTable.PARAMS_META)
            .write().mode(SaveMode.Append).options(WRITER_OPTIONS).parquet(fieldsUri);
        done += chunk.size();
      }
    }
    spark.sparkContext().setJobDescription(null);
    if (!chunks.isEmpty()) { // nothing written, nothing superseded
      superseded += LatestRows.compact(spark, table(fieldsUri), hadoop);
    }
    return new Result(counters.written().value(), skipped, superseded, leftovers, chunks.size(),
        counters.busyNanos().value() / 1e9,
        List.copyOf(new java.util.LinkedHashSet<>(counters.errors().value())));
  }

  /**
   * The listed images still to encode: those with no field for this model, and those whose source
   * changed since (their bytes are hashed again, on the executors).
   */
  private static List<Row> pending(SparkSession spark, List<Row> images, EncodeSettings settings, String fieldsUri,
      Broadcast<SerializableHadoopConf> conf) throws SystemicException {
    Map<String, String> doneHashes = doneHashes(spark, fieldsUri, settings.model().id(), conf.value().get());
    if (doneHashes.isEmpty()) {
      return images;
    }
    List<Row> toCheck = new ArrayList<>();
    List<Row> todo = new ArrayList<>();
    for (Row image : images) {
      String sha = doneHashes.get(image.getString(1));
      if (sha == null) {
        todo.add(image);
      } else {
        toCheck.add(RowFactory.create(image.getString(0), image.getString(1), sha));
      }
    }
    if (!toCheck.isEmpty()) {
      spark.sparkContext().setJobDescription("p2g encode: hashing " + toCheck.size() + " images done before");
      Dataset<Row> checked = spark.createDataFrame(toCheck, ChangedSources.INPUT)
          .repartition(partitions(spark, toCheck.size()));
      Set<String> changed = new HashSet<>();
      for (Row r : checked.mapPartitions(new ChangedSources(conf, settings.maxFileBytes()),
          org.apache.spark.sql.Encoders.row(EncodePartition.INPUT)).collectAsList()) {
        changed.add(r.getString(1));
      }
      spark.sparkContext().setJobDescription(null);
      for (Row image : images) {
        if (changed.contains(image.getString(1))) {
          todo.add(image);
        }
      }
    }
    return todo;
  }

  /** key to source SHA-256 of the fields already stored for this model. */
  private static Map<String, String> doneHashes(SparkSession spark, String fieldsUri, String modelId,
      Configuration hadoop) throws SystemicException {
    Map<String, String> done = new HashMap<>();
    try {
      Path root = new Path(fieldsUri);
      if (!root.getFileSystem(hadoop).exists(root)) {
        return done;
      }
    } catch (IOException e) {
      throw new SystemicException("cannot read " + fieldsUri + ": " + e.getMessage(), e);
    }
    // an image counts only when all its tiles are stored: a tile that failed leaves the others
    for (Row r : completeImages(spark.read().schema(FieldTable.SCHEMA).parquet(fieldsUri)
        .filter(col("model_id").equalTo(modelId))).select("key", "source_sha256").collectAsList()) {
      done.put(r.getString(0), r.getString(1));
    }
    return done;
  }

  /**
   * One row per image (key, source_sha256, stored, expected) whose stored tile count is the count
   * its size and tile size give (tiles are T x T but at the right and bottom edges, and the first
   * tile is full along every tiled axis, so T is the largest tile side).
   */
  static Dataset<Row> completeImages(Dataset<Row> fields) {
    return tileCounts(fields).filter(col("stored").equalTo(col("expected")));
  }

  static Dataset<Row> tileCounts(Dataset<Row> fields) {
    Column side = functions.greatest(functions.max("tile_width"), functions.max("tile_height"));
    return fields.groupBy("key", "source_sha256")
        .agg(functions.count(functions.lit(1)).as("stored"),
            functions.ceil(functions.max("width").divide(side))
                .multiply(functions.ceil(functions.max("height").divide(side))).as("expected"));
  }

  /** At least two tasks per core so a slow image does not idle the rest; at most one per image. */
  static int partitions(SparkSession spark, long images) {
    long byCount = (images + IMAGES_PER_PARTITION - 1) / IMAGES_PER_PARTITION;
    long byCores = 2L * spark.sparkContext().defaultParallelism();
    return (int) Math.max(1, Math.min(Math.max(images, 1), Math.max(byCount, byCores)));
  }
}
