package dev.p2g.job.run;

import static org.apache.spark.sql.functions.col;

import dev.p2g.job.common.SystemicException;
import dev.p2g.job.common.TaskSizing;
import dev.p2g.job.sources.ImageListing;
import dev.p2g.job.tables.ErrorLog;
import dev.p2g.job.tables.LatestRows;
import dev.p2g.job.tables.Leftovers;
import dev.p2g.spark.EncodePartition;
import dev.p2g.spark.EncodeSettings;
import dev.p2g.spark.LargeImageParts;
import dev.p2g.spark.StageAccumulators;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.SourceCheckTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Stage 1 on the driver. fields/ is append-only: images that already have a field for this model
 * and whose source is unchanged are skipped (EncodePlan); the rest are encoded in chunks, each a
 * Spark job that commits its own files and then its failures, so a killed run keeps every chunk
 * it finished. Rows superseded by a new encoding of the same image are then removed (LatestRows).
 */
public final class EncodeStage {
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

  static final LatestRows.Table table(String fieldsUri) {
    return new LatestRows.Table(fieldsUri, FieldTable.SCHEMA, List.of("key"), FieldTable.ENCODED_AT, List.of());
  }

  /**
   * written: fields written by this run; skipped: images already done; hashed: sources read to
   * learn whether they changed, changed: those that had; failed: images refused or failed (their
   * errors/ rows are written); superseded: old rows removed; sourceBytes: bytes of sources read.
   */
  record Result(long written, long skipped, long hashed, long changed, long failed, long superseded,
      boolean leftoversRemoved, int chunks, double busySeconds, long sourceBytes, List<String> devices) {}

  private EncodeStage() {}

  static Result run(SparkSession spark, ImageListing.Listing listing, EncodeSettings settings, String fieldsUri,
      int partitionsOption, long commitEvery, boolean verifySources, Broadcast<SerializableConfiguration> conf,
      ErrorLog errors, ProgressReporter progress) throws SystemicException {
    spark.sparkContext().setJobGroup("p2g-encode", "p2g encode stage", false);
    try {
      return encode(spark, listing, settings, fieldsUri, partitionsOption, commitEvery, verifySources, conf, errors,
          progress);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  private static Result encode(SparkSession spark, ImageListing.Listing listing, EncodeSettings settings,
      String fieldsUri, int partitionsOption, long commitEvery, boolean verifySources,
      Broadcast<SerializableConfiguration> conf, ErrorLog errors, ProgressReporter progress) throws SystemicException {
    Configuration hadoop = conf.value().value();
    boolean leftovers = Leftovers.clear(fieldsUri, hadoop);
    leftovers |= Leftovers.clear(SourceCheckTable.uri(fieldsUri), hadoop);
    long superseded = LatestRows.compact(spark, table(fieldsUri), hadoop); // a killed run's, first
    errors.clear(ErrorRecord.ENCODE, null); // every image that failed is tried again
    if (listing.refusedCount() > 0) {
      errors.append(listing.refused());
    }
    StageAccumulators counters = StageAccumulators.register(spark, "encode");
    EncodePlan.Pending pending = EncodePlan.plan(spark, listing, exists(fieldsUri, hadoop),
        exists(SourceCheckTable.uri(fieldsUri), hadoop), fieldsUri, settings.model().id(), verifySources,
        settings.runStarted(), settings.maxFileBytes(), settings.table(), conf, counters.sourceBytes());
    int perTask = imagesPerTask(listing.imageCount(), listing.imageBytes());
    long perChunk = Chunks.imagesPerChunk(commitEvery, spark.sparkContext().defaultParallelism(), perTask);
    // A listing the driver holds is a small run, where a few large photos would leave task slots
    // idle: they go in parts. A larger run keeps its slots busy with whole images.
    Chunks chunks = pending.local() != null
        ? Chunks.local(spark, inParts(pending.local(), new LargeImageParts(conf, settings.tile(), counters)),
            EncodePartition.WORK, perChunk, partitionsOption, perTask)
        : Chunks.of(spark, pending.todo(), pending.todoCount(), perChunk, partitionsOption, perTask);
    if (chunks.count() > 0) {
      LatestRows.appending(table(fieldsUri), hadoop);
    }
    java.util.Set<String> devices = new java.util.TreeSet<>();
    LargeImages large = new LargeImages();
    try (ProgressReporter.Stage shown = progress.start("encode", pending.todoCount(), counters)) {
      for (int i = 0; i < chunks.count(); i++) {
        spark.sparkContext().setJobDescription(String.format("p2g encode: images, chunk %d of %d (%d images to encode) to fields",
            i + 1, chunks.count(), pending.todoCount()));
        GpuStages.mapPartitions(spark, chunks.chunk(i), new EncodePartition(settings, conf, counters),
                FieldTable.SCHEMA, GpuStages.profile(spark.sparkContext().getConf(), settings.device()))
            // the row encoder drops column metadata; the footer must carry the field version
            .withMetadata("params", FieldTable.PARAMS_META)
            .write().mode(SaveMode.Append).options(WRITER_OPTIONS).parquet(fieldsUri);
        // the chunk is committed: its failures go to errors/, and the driver forgets them
        errors.append(counters.errors().value());
        counters.errors().reset();
        devices.addAll(counters.devices().value()); // one entry a task: kept per chunk, deduplicated
        counters.devices().reset();
        shown.addLargeFailed(large.add(counters.parts().value())); // all of an image's parts are in its chunk
        counters.parts().reset();
      }
    } finally {
      pending.release().run();
    }
    spark.sparkContext().setJobDescription(null);
    if (chunks.count() > 0 && pending.replaces()) { // nothing written, or only new keys: nothing superseded
      superseded += LatestRows.compact(spark, table(fieldsUri), hadoop);
    } else if (chunks.count() > 0) {
      LatestRows.compacted(table(fieldsUri), hadoop);
    }
    return new Result(counters.written().value() + large.written, pending.skipped(), pending.hashed(),
        pending.changed(), counters.failed().value() + large.failed + listing.refusedCount(), superseded, leftovers,
        chunks.count(),
        counters.busyNanos().value() / 1e9, counters.sourceBytes().value(), List.copyOf(devices));
  }

  /** Header reads the driver makes at once, for a small listing's large files. */
  private static final int HEADER_READERS = 16;

  /**
   * The images to encode, as WORK rows: large image files in parts (LargeImageParts, whose header
   * reads the driver makes itself for a small listing), the rest whole.
   */
  private static List<Row> inParts(List<Row> todo, LargeImageParts parts) throws SystemicException {
    List<Row> large = todo.stream().filter(r -> r.isNullAt(r.fieldIndex("container"))
        && r.<Long>getAs(FieldTable.SOURCE_SIZE) >= LargeImageParts.PROBE_BYTES).toList();
    Map<String, List<Row>> split = new java.util.concurrent.ConcurrentHashMap<>();
    if (!large.isEmpty()) { // header reads are round trips on a store: several at once
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
          Math.min(HEADER_READERS, large.size()));
      try {
        for (var done : pool.invokeAll(large.stream().<java.util.concurrent.Callable<Object>>map(r -> () -> {
          parts.call(r).forEachRemaining(w -> split.computeIfAbsent(w.getAs("key"), k -> new ArrayList<>()).add(w));
          return null;
        }).toList())) {
          done.get();
        }
      } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
        throw new SystemicException("cannot size the large images: " + e.getMessage(), e);
      } finally {
        pool.shutdownNow();
      }
    }
    List<Row> work = new ArrayList<>(todo.size());
    for (Row r : todo) {
      work.addAll(split.getOrDefault(r.<String>getAs("key"), List.of(LargeImageParts.work(r, null, null))));
    }
    return work;
  }

  /** Images encoded in parts, written (every part's tiles) or failed (some part's), counted chunk by chunk. */
  private static final class LargeImages {
    long written;
    long failed;

    /** One committed chunk's part outcomes; returns the images found failed. */
    long add(List<StageAccumulators.PartOutcome> outcomes) {
      Map<String, int[]> byImage = new java.util.HashMap<>(); // parts ok, parts failed, parts
      for (StageAccumulators.PartOutcome o : outcomes) {
        int[] n = byImage.computeIfAbsent(o.key(), k -> new int[3]);
        n[o.ok() ? 0 : 1]++;
        n[2] = o.parts();
      }
      long newlyFailed = 0;
      for (int[] n : byImage.values()) {
        if (n[1] > 0) {
          newlyFailed++;
        } else if (n[0] == n[2]) {
          written++;
        }
      }
      failed += newlyFailed;
      return newlyFailed;
    }
  }

  static boolean exists(String uri, Configuration hadoop) throws SystemicException {
    try {
      Path root = new Path(uri);
      return root.getFileSystem(hadoop).exists(root);
    } catch (IOException e) {
      throw new SystemicException("cannot read " + uri + ": " + e.getMessage(), e);
    }
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
                .multiply(functions.ceil(functions.max("height").divide(side))).as("expected"),
            functions.max("source_uri").as("source_uri"),
            functions.max(FieldTable.SOURCE_SIZE).as(FieldTable.SOURCE_SIZE),
            functions.max(FieldTable.SOURCE_MODIFIED).as(FieldTable.SOURCE_MODIFIED),
            functions.max(FieldTable.SOURCE_ETAG).as(FieldTable.SOURCE_ETAG));
  }

  /** Images a task is given: TaskSizing.IMAGES_PER_PARTITION, or more when they are small (TaskSizing.TASK_SOURCE_BYTES of sources). */
  public static int imagesPerTask(long images, long sourceBytes) {
    if (images <= 0 || sourceBytes <= 0) {
      return TaskSizing.IMAGES_PER_PARTITION;
    }
    long bySize = TaskSizing.TASK_SOURCE_BYTES / Math.max(1, sourceBytes / images);
    return (int) Math.max(TaskSizing.IMAGES_PER_PARTITION, Math.min(TaskSizing.MAX_IMAGES_PER_PARTITION, bySize));
  }

  /** At least TaskSizing.TASKS_PER_CORE tasks per core so a slow image does not idle the rest; at most one per image. */
  static int partitions(SparkSession spark, long images, int imagesPerTask) {
    long byCount = (images + imagesPerTask - 1) / imagesPerTask;
    long byCores = (long) TaskSizing.TASKS_PER_CORE * spark.sparkContext().defaultParallelism();
    return (int) Math.max(1, Math.min(Math.max(images, 1), Math.max(byCount, byCores)));
  }
}
