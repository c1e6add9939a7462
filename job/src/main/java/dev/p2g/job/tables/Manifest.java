package dev.p2g.job.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.max;

import dev.p2g.job.common.SystemicException;
import dev.p2g.pyramid.PyramidLayout;
import dev.p2g.render.Scale;
import dev.p2g.spark.DeleteFiles;
import dev.p2g.spark.RenderSettings;
import dev.p2g.tables.ManifestTable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
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
   * already holds for a field, in this format and pyramid layout (another is rendered again).
   */
  public static Dataset<Row> doneLevels(SparkSession spark, String uri, RenderSettings settings) {
    List<String> levels = settings.scales().stream().map(Scale::level).toList();
    return spark.read().schema(ManifestTable.SCHEMA).parquet(uri)
        .filter(col(ManifestTable.LEVEL).isin(levels.toArray())
            .and(col("format").equalTo(settings.format().extension()))
            .and(inLayout(settings.pyramid())))
        .groupBy("key", "source_sha256", "model_id").agg(collect_set(ManifestTable.LEVEL).as("done"));
  }

  /** The rows whose image is stored in layout: PyramidLayout.ofRow as a column. */
  static Column inLayout(PyramidLayout layout) {
    Column member = col(ManifestTable.MEMBER);
    Column row = col(ManifestTable.ROW_INDEX);
    return switch (layout) {
      case FILES -> member.isNull().and(row.isNull());
      case WEBDATASET -> member.isNotNull();
      case PARQUET -> member.isNull().and(row.isNotNull());
    };
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
   * Pyramid files and shards named only by superseded manifest rows (an image rendered again in
   * another format or layout), in every level: removed before the rows, so a run killed in
   * between finds them again next time. A path a latest row names stays (an image rendered again
   * to the same file, a shard holding other images still current).
   */
  private static void removeOrphanedImages(SparkSession spark, String uri, Broadcast<SerializableConfiguration> conf)
      throws SystemicException {
    Configuration hadoop = conf.value().value();
    if (!Tables.exists(uri, hadoop)) {
      return;
    }
    WindowSpec group = Window.partitionBy(col("key"), col(ManifestTable.LEVEL));
    Dataset<Row> rows = spark.read().schema(ManifestTable.SCHEMA).parquet(uri)
        .withColumn("latest_at", max(col(ManifestTable.RENDERED_AT)).over(group));
    Column latest = col(ManifestTable.RENDERED_AT).equalTo(col("latest_at"));
    Dataset<Row> orphans = rows.filter(functions.not(latest)).select("path").distinct()
        .join(rows.filter(latest).select("path"), new String[] {"path"}, "left_anti");
    try {
      orphans.foreachPartition(new DeleteFiles(conf));
    } catch (RuntimeException e) {
      throw new SystemicException("cannot remove superseded pyramid images: " + SystemicException.rootMessage(e), e);
    }
  }
}
