package dev.p2g.job.run;

import static org.apache.spark.sql.functions.col;

import dev.p2g.job.common.SystemicException;
import dev.p2g.job.common.TaskSizing;
import dev.p2g.job.sources.ImageListing;
import dev.p2g.job.tables.Fields;
import dev.p2g.job.tables.LatestRows;
import dev.p2g.job.tables.Leftovers;
import dev.p2g.job.tables.Tables;
import dev.p2g.spark.EncodePartition;
import dev.p2g.spark.EncodeSettings;
import dev.p2g.spark.LargeImageParts;
import dev.p2g.spark.StageAccumulators;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.SourceCheckTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage 1 on the driver. fields/ is append-only: images that already have a field for this model
 * and whose source is unchanged are skipped (EncodePlan); the rest are encoded in chunks, each a
 * Spark job that commits its own files and then its failures, so a killed run keeps every chunk
 * it finished. Rows superseded by a new encoding of the same image are then removed (LatestRows).
 */
public final class EncodeStage {
  /**
   * written: fields written by this run; skipped: images already done; hashed: sources read to
   * learn whether they changed, changed: those that had; failed: images refused or failed (their
   * errors/ rows are written); superseded: old rows removed; sourceBytes: bytes of sources read.
   */
  record Result(long written, long skipped, long hashed, long changed, long failed, long superseded,
      boolean leftoversRemoved, int chunks, double busySeconds, long sourceBytes, List<String> devices) {}

  private EncodeStage() {}

  static Result run(StageContext run, ImageListing.Listing listing, EncodeSettings settings, String fieldsUri,
      int partitionsOption, long commitEvery, boolean verifySources) throws SystemicException {
    run.spark().sparkContext().setJobGroup("p2g-encode", "p2g encode stage", false);
    try {
      return encode(run, listing, settings, fieldsUri, partitionsOption, commitEvery, verifySources);
    } finally {
      run.spark().sparkContext().clearJobGroup();
    }
  }

  private static Result encode(StageContext run, ImageListing.Listing listing, EncodeSettings settings,
      String fieldsUri, int partitionsOption, long commitEvery, boolean verifySources) throws SystemicException {
    SparkSession spark = run.spark();
    Configuration hadoop = run.hadoop();
    boolean leftovers = Leftovers.clear(fieldsUri, hadoop, run.notices());
    leftovers |= Leftovers.clear(SourceCheckTable.uri(fieldsUri), hadoop, run.notices());
    long superseded = LatestRows.compact(spark, Fields.upkeep(fieldsUri), hadoop); // a killed run's, first
    run.errors().clear(ErrorRecord.ENCODE, null); // every image that failed is tried again
    if (listing.refusedCount() > 0) {
      run.errors().append(listing.refused());
    }
    StageAccumulators counters = StageAccumulators.register(spark, "encode");
    EncodePlan.Pending pending = EncodePlan.plan(spark, listing, Tables.exists(fieldsUri, hadoop),
        Tables.exists(SourceCheckTable.uri(fieldsUri), hadoop), fieldsUri, settings.model().id(), verifySources,
        settings.runStarted(), settings.maxFileBytes(), settings.table(), run.conf(), counters.sourceBytes());
    LargeImages large = new LargeImages();
    ChunkRunner chunks = new ChunkRunner(run, counters, Fields.upkeep(fieldsUri), () -> {
      large.add(counters.parts().value()); // all of an image's parts are in its chunk
      counters.parts().reset();
    });
    try (ProgressReporter.Stage shown = run.progress().start("encode", pending.todoCount(), counters)) {
      large.shown = shown;
      Chunks work = chunks(run, listing, pending, settings, counters, partitionsOption, commitEvery);
      for (int i = 0; i < work.count(); i++) {
        chunks.run(String.format("p2g encode: images, chunk %d of %d (%d images to encode) to fields", i + 1,
                work.count(), pending.todoCount()), work.chunk(i), new EncodePartition(settings, run.conf(), counters),
            FieldTable.SCHEMA, true, rows -> Fields.append(rows, fieldsUri));
      }
    } finally {
      chunks.finish();
      pending.release().run();
    }
    if (chunks.chunks() > 0 && pending.replaces()) { // nothing written, or only new keys: nothing superseded
      superseded += LatestRows.compact(spark, Fields.upkeep(fieldsUri), hadoop);
    } else if (chunks.chunks() > 0) {
      LatestRows.compacted(Fields.upkeep(fieldsUri), hadoop);
    }
    return new Result(counters.written().value() + large.written, pending.skipped(), pending.hashed(),
        pending.changed(), counters.failed().value() + large.failed + listing.refusedCount(), superseded, leftovers,
        chunks.chunks(), counters.busyNanos().value() / 1e9, counters.sourceBytes().value(), chunks.devices());
  }

  /**
   * The images to encode in chunks. A listing the driver holds is a small run, where a few large
   * photos would leave task slots idle: they go in parts. A larger run keeps its slots busy with
   * whole images.
   */
  private static Chunks chunks(StageContext run, ImageListing.Listing listing, EncodePlan.Pending pending,
      EncodeSettings settings, StageAccumulators counters, int partitionsOption, long commitEvery)
      throws SystemicException {
    int perTask = imagesPerTask(listing.imageCount(), listing.imageBytes());
    long perChunk = Chunks.imagesPerChunk(commitEvery, run.slots(), perTask);
    return pending.local() != null
        ? Chunks.local(run.spark(), inParts(pending.local(), new LargeImageParts(run.conf(), settings.tile(), counters)),
            EncodePartition.WORK, perChunk, partitionsOption, perTask)
        : Chunks.of(run.spark(), pending.todo(), pending.todoCount(), perChunk, partitionsOption, perTask);
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
    ProgressReporter.Stage shown;

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
      if (shown != null) {
        shown.addLargeFailed(newlyFailed);
      }
      return newlyFailed;
    }
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
