package dev.p2g.job.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;

import dev.p2g.job.common.SystemicException;
import dev.p2g.render.Scale;
import dev.p2g.spark.DeleteFiles;
import dev.p2g.spark.RenderSettings;
import dev.p2g.tables.ManifestTable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The driver's side of manifest/ (its rows are ManifestTable's), the record of what is complete:
 * how a chunk appends to it, how it is kept at one generation per (image, level) with the pyramid
 * files only superseded rows name, and which levels it holds.
 */
public final class Manifest {
  /**
   * Why a chunk's manifest rows are shuffled to one writer: written by the render tasks
   * themselves, they made a file per task and level, 64 rows each for large images, and every
   * later plan reads every file (1,000,000 images at 64 a task: 31,250 files, an all-done render
   * plan of 152 s on 2 cores). The tasks render in parallel as before; only their rows move.
   * Counts of images written come from the committed manifest (LevelCounts), not from task
   * accumulators, which a re-run map stage (a lost executor's shuffle output) would add twice.
   */
  private static final int FILES_PER_CHUNK = 1;

  private Manifest() {}

  /** The table as LatestRows keeps it: one generation per (key, level), the latest by rendered_at. */
  public static LatestRows.Table upkeep(String uri) {
    return new LatestRows.Table(uri, ManifestTable.SCHEMA, List.of("key", ManifestTable.LEVEL),
        ManifestTable.RENDERED_AT, List.of(ManifestTable.LEVEL));
  }

  /** Appends a chunk's rows (the Spark action that runs the chunk's tasks): one file a level a chunk. */
  public static void append(Dataset<Row> rows, String uri) {
    rows.repartition(FILES_PER_CHUNK).write().mode(SaveMode.Append).partitionBy(ManifestTable.LEVEL).parquet(uri);
  }

  /**
   * (key, source_sha256, model_id, done): the levels of this run the manifest (which exists)
   * already holds for a field, in this format.
   */
  public static Dataset<Row> doneLevels(SparkSession spark, String uri, RenderSettings settings) {
    List<String> levels = settings.scales().stream().map(Scale::level).toList();
    return spark.read().schema(ManifestTable.SCHEMA).parquet(uri)
        .filter(col(ManifestTable.LEVEL).isin(levels.toArray())
            .and(col("format").equalTo(settings.format().extension())))
        .groupBy("key", "source_sha256", "model_id").agg(collect_set(ManifestTable.LEVEL).as("done"));
  }

  /**
   * Superseded rows and the pyramid files only they name, removed; nothing to do (not a row read)
   * while the table's marker says nothing was appended since its last compaction.
   */
  public static long compact(SparkSession spark, String uri, Broadcast<SerializableConfiguration> conf)
      throws SystemicException {
    if (LatestRows.isCompacted(upkeep(uri), conf.value().value())) {
      return 0;
    }
    removeOrphanedImages(spark, uri, conf);
    return LatestRows.compact(spark, upkeep(uri), conf.value().value());
  }

  /**
   * Pyramid files named only by superseded manifest rows (an image rendered again in another
   * format): removed before their rows, so a run killed in between finds them again next time.
   * A shard (a row with a member or a row index) holds other images too: ShardSweep removes it
   * once no row names it.
   */
  private static void removeOrphanedImages(SparkSession spark, String uri, Broadcast<SerializableConfiguration> conf)
      throws SystemicException {
    Configuration hadoop = conf.value().value();
    if (!Tables.exists(uri, hadoop)) {
      return;
    }
    WindowSpec group = Window.partitionBy(col("key"), col(ManifestTable.LEVEL));
    Dataset<Row> orphans = spark.read().schema(ManifestTable.SCHEMA).parquet(uri)
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
}
