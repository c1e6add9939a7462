package dev.p2g.job.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.max;

import dev.p2g.job.common.SystemicException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * Keeps an append-only Parquet table at one generation per group. fields/ and manifest/ are only
 * ever appended to, so that a killed run loses nothing committed; when an image is done again, its
 * older rows (same group, earlier run time) are superseded and removed here, through a
 * TableRewrite (no file moved, a killed compaction finished by the next run).
 *
 * <p>A marker file says the table is known to be compacted: a run that appends removes it before
 * its first write, compaction puts it back. A re-run with nothing to do then reads no row to
 * learn that nothing is superseded; a run killed after appending finds no marker and compacts.
 */
public final class LatestRows {
  static final String COMPACTED = "_p2g_compacted";
  private static final String LATEST = "_p2g_latest";

  /** One table: its URI and schema, the columns naming a group, the run-time column, the partition columns. */
  public record Table(String uri, StructType schema, List<String> groups, String time, List<String> partitions) {
    TableRewrite.Table files() {
      return new TableRewrite.Table(uri, schema, partitions);
    }
  }

  private LatestRows() {}

  /** Superseded rows removed from the table (none when its marker says it is compacted). */
  public static long compact(SparkSession spark, Table table, Configuration conf) throws SystemicException {
    Path root = new Path(table.uri());
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (isCompacted(table, conf) || !fs.exists(root)) {
        return 0;
      }
      long removed = TableRewrite.apply(spark, table.files(), () -> superseded(spark, table), fs);
      fs.create(new Path(root, COMPACTED), true).close();
      return removed;
    } catch (IOException e) {
      throw new SystemicException("cannot remove superseded rows from " + table.uri() + ": " + e.getMessage(), e);
    }
  }

  /** True when the table holds one generation per group for sure: nothing appended since it was compacted. */
  public static boolean isCompacted(Table table, Configuration conf) throws SystemicException {
    Path marker = new Path(table.uri(), COMPACTED);
    try {
      return marker.getFileSystem(conf).exists(marker);
    } catch (IOException e) {
      throw new SystemicException("cannot read " + marker + ": " + e.getMessage(), e);
    }
  }

  /**
   * After a run appended rows none of which supersedes another (new groups only) to a table that
   * was compacted before: it still is, and a scan would only find that out.
   */
  public static void compacted(Table table, Configuration conf) throws SystemicException {
    Path marker = new Path(table.uri(), COMPACTED);
    try {
      marker.getFileSystem(conf).create(marker, true).close();
    } catch (IOException e) {
      throw new SystemicException("cannot write " + table.uri() + ": " + e.getMessage(), e);
    }
  }

  /** Before a run appends to the table: from then on it may hold superseded rows. */
  public static void appending(Table table, Configuration conf) throws SystemicException {
    Path marker = new Path(table.uri(), COMPACTED);
    try {
      marker.getFileSystem(conf).delete(marker, false);
    } catch (IOException e) {
      throw new SystemicException("cannot write " + table.uri() + ": " + e.getMessage(), e);
    }
  }

  /** Rows with a later row in the same group: counted per file, and dropped from rewritten files by their group and time. */
  private static TableRewrite.Removal superseded(SparkSession spark, Table table) {
    Column[] groups = table.groups().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Dataset<Row> rows = spark.read().schema(table.schema()).parquet(table.uri());
    List<Column> kept = new ArrayList<>(List.of(groups));
    kept.add(col(table.time()));
    kept.add(input_file_name().as(TableRewrite.FILE));
    Dataset<Row> stale = rows.select(kept.toArray(Column[]::new))
        .withColumn(LATEST, max(col(table.time())).over(Window.partitionBy(groups)))
        .withColumn("rows", count("*").over(Window.partitionBy(col(TableRewrite.FILE))))
        .filter(col(table.time()).lt(col(LATEST)));
    List<String> joinOn = new ArrayList<>(table.groups());
    joinOn.add(table.time());
    Dataset<Row> staleKeys = stale.select(joinOn.stream().map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new)).distinct();
    return new TableRewrite.Removal() {
      @Override
      public Dataset<Row> perFile() {
        return stale.groupBy(TableRewrite.FILE).agg(max(col("rows")).as(TableRewrite.ROWS),
            count("*").as(TableRewrite.GOING));
      }

      @Override
      public Dataset<Row> keep(Dataset<Row> rowsOfFiles) {
        return rowsOfFiles.join(staleKeys, joinOn.toArray(String[]::new), "left_anti");
      }
    };
  }
}
