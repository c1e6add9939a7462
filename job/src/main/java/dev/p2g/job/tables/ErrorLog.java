package dev.p2g.job.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.p2g.job.common.SystemicException;
import dev.p2g.tables.ErrorRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * errors/, one folder per stage (errors/stage=encode/). A stage run first clears the rows it is
 * responsible for and keeps the others (encode: all encode rows, since every image that failed
 * is tried again; render: the rows of the levels it renders), then appends each chunk's failures
 * as the chunk commits. The driver holds one chunk's failures at a time, never the run's.
 */
public final class ErrorLog {
  /** Error rows the summary keeps per class, as examples for the report. */
  public static final int EXAMPLES_PER_CLASS = 5;

  private final SparkSession spark;
  private final String uri;
  private final Configuration conf;

  public ErrorLog(SparkSession spark, String uri, Configuration conf) {
    this.spark = spark;
    this.uri = uri;
    this.conf = conf;
  }

  /** What a run's errors/ rows add up to: failed images, rows per class and level, a few examples. */
  public record Summary(long failedImages, long rows, Map<String, Long> byClass, Map<String, Long> byLevel,
      List<ErrorRecord> examples) {}

  /** Removes the rows a stage run is about to redo: all of the stage's, or those of the given levels. */
  public void clear(String stage, Set<String> levels) throws SystemicException {
    Path dir = stageDir(stage);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      TableRewrite.Table table = new TableRewrite.Table(uri, ErrorRecord.SCHEMA, List.of(ErrorRecord.STAGE));
      if (fs.exists(new Path(uri))) {
        TableRewrite.finish(spark, table, fs); // a killed run's rewrite, before anything is deleted
      }
      if (!fs.exists(dir)) {
        return;
      }
      if (levels == null) {
        fs.delete(dir, true);
        return;
      }
      Column going = col(ErrorRecord.STAGE).equalTo(stage).and(col("level").isNotNull())
          .and(col("level").isin(levels.toArray()));
      TableRewrite.apply(spark, table, () -> new TableRewrite.Removal() {
        @Override
        public Dataset<Row> perFile() {
          return read().filter(col(ErrorRecord.STAGE).equalTo(stage))
              .withColumn(TableRewrite.FILE, input_file_name())
              .groupBy(TableRewrite.FILE)
              .agg(count(lit(1)).as(TableRewrite.ROWS), sum(when(going, 1L).otherwise(0L)).as(TableRewrite.GOING))
              .filter(col(TableRewrite.GOING).gt(0));
        }

        @Override
        public Dataset<Row> keep(Dataset<Row> rowsOfFiles) {
          return rowsOfFiles.filter(not(going));
        }
      }, fs);
    } catch (IOException e) {
      throw new SystemicException("cannot write " + dir + ": " + e.getMessage(), e);
    }
  }

  /** One chunk's failures (a retried task's twins removed). */
  public void append(Collection<ErrorRecord> chunk) throws SystemicException {
    if (chunk.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>(chunk.size());
    new LinkedHashSet<>(chunk).forEach(e -> rows.add(e.toRow()));
    append(spark.createDataFrame(rows, ErrorRecord.SCHEMA));
  }

  /** Failures found by Spark work (duplicate names, incomplete tiled images), never collected. */
  public void append(Dataset<Row> rows) throws SystemicException {
    try {
      rows.coalesce(1).write().mode(SaveMode.Append).partitionBy(ErrorRecord.STAGE).parquet(uri);
    } catch (RuntimeException e) {
      throw new SystemicException("cannot write " + uri + ": " + SystemicException.rootMessage(e), e);
    }
  }

  /**
   * This run's rows: all of encode's when it ran encode, render's of the levels it rendered
   * (the others were left as they were). encodeRan or levels null leave that stage out.
   */
  public Summary summary(boolean encodeRan, Set<String> levels) throws SystemicException {
    try {
      Path root = new Path(uri);
      if (!root.getFileSystem(conf).exists(root)) { // no failures: the table is there all the same, empty
        append(spark.createDataFrame(List.of(), ErrorRecord.SCHEMA));
        return new Summary(0, 0, Map.of(), Map.of(), List.of());
      }
    } catch (IOException e) {
      throw new SystemicException("cannot read " + uri + ": " + e.getMessage(), e);
    }
    Column mine = lit(false);
    boolean any = false;
    if (encodeRan) {
      mine = mine.or(col(ErrorRecord.STAGE).equalTo(ErrorRecord.ENCODE));
      any |= exists(stageDir(ErrorRecord.ENCODE));
    }
    if (levels != null) {
      mine = mine.or(col(ErrorRecord.STAGE).equalTo(ErrorRecord.RENDER).and(col("level").isin(levels.toArray())));
      any |= exists(stageDir(ErrorRecord.RENDER));
    }
    if (!any) { // a stage run clears its rows first: no folder, no failure of this run to read
      return new Summary(0, 0, Map.of(), Map.of(), List.of());
    }
    Dataset<Row> rows = read().filter(mine);
    long images = rows.agg(countDistinct(col("key")).as("images")).first().getLong(0);
    Map<String, Long> byClass = new TreeMap<>();
    Map<String, Long> byLevel = new TreeMap<>();
    long total = 0;
    for (Row r : rows.groupBy("error_class", "level").count().collectAsList()) { // both counts from one query
      long n = r.getAs("count");
      total += n;
      byClass.merge(r.getAs("error_class"), n, Long::sum);
      if (!r.isNullAt(r.fieldIndex("level"))) {
        byLevel.merge(r.getAs("level"), n, Long::sum);
      }
    }
    List<ErrorRecord> examples = new ArrayList<>();
    for (Row r : rows.withColumn("n", row_number().over(Window.partitionBy("error_class").orderBy("key", "level")))
        .filter(col("n").leq(EXAMPLES_PER_CLASS)).orderBy("error_class", "key", "level").collectAsList()) {
      examples.add(ErrorRecord.fromRow(r));
    }
    return new Summary(images, total, byClass, byLevel, examples);
  }

  private boolean exists(Path dir) throws SystemicException {
    try {
      return dir.getFileSystem(conf).exists(dir);
    } catch (IOException e) {
      throw new SystemicException("cannot read " + dir + ": " + e.getMessage(), e);
    }
  }

  private Dataset<Row> read() {
    return spark.read().schema(ErrorRecord.SCHEMA).parquet(uri);
  }

  private Path stageDir(String stage) {
    return new Path(uri, ErrorRecord.STAGE + "=" + stage);
  }
}
