package dev.p2g.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.max;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * Keeps an append-only Parquet table at one generation per group. fields/ and manifest/ are only
 * ever appended to, so that a killed run loses nothing committed; when an image is done again, its
 * older rows (same group, earlier run time) are superseded and removed here.
 *
 * <p>Files holding only superseded rows are deleted; files holding some are rewritten without
 * them. The rewrite is journalled (_p2g_compaction/journal: the files to delete and the new files
 * to move in), so a run killed half-way is finished by the next one and no row is lost or doubled.
 * One run per output folder at a time.
 */
final class LatestRows {
  static final String WORK_DIR = "_p2g_compaction";
  private static final String JOURNAL = "journal";
  private static final String FILE = "_p2g_file";
  private static final String LATEST = "_p2g_latest";

  /** One table: its URI and schema, the columns naming a group, the run-time column, the partition columns. */
  record Table(String uri, StructType schema, List<String> groups, String time, List<String> partitions) {}

  private LatestRows() {}

  /** Superseded rows removed from the table. */
  static long compact(SparkSession spark, Table table, Configuration conf) throws SystemicException {
    Path root = new Path(table.uri());
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return 0;
      }
      finishJournal(fs, root);
      Dataset<Row> stale = superseded(spark, table);
      List<Row> perFile = stale.groupBy(FILE).agg(max(col("rows")).as("rows"), count("*").as("stale"))
          .collectAsList();
      if (perFile.isEmpty()) {
        return 0;
      }
      List<String> dropWhole = new ArrayList<>();
      List<String> rewrite = new ArrayList<>();
      long removed = 0;
      for (Row r : perFile) {
        removed += r.getLong(2);
        (r.getLong(1) == r.getLong(2) ? dropWhole : rewrite).add(hadoopPath(r.getString(0)));
      }
      Path work = new Path(root, WORK_DIR);
      fs.delete(work, true);
      List<String[]> moves = rewrite.isEmpty() ? List.of() : rewriteWithout(spark, table, stale, rewrite, work, fs);
      List<String> deletes = new ArrayList<>(dropWhole);
      deletes.addAll(rewrite);
      writeJournal(fs, work, deletes, moves);
      finishJournal(fs, root);
      return removed;
    } catch (IOException e) {
      throw new SystemicException("cannot remove superseded rows from " + table.uri() + ": " + e.getMessage(), e);
    }
  }

  /** input_file_name() gives an escaped URI (%20 for a space); Hadoop paths take the plain form. */
  static String hadoopPath(String inputFileName) {
    try {
      return new Path(java.net.URI.create(inputFileName)).toString();
    } catch (IllegalArgumentException e) {
      return inputFileName; // already plain
    }
  }

  /** Rows with a later row in the same group, with their file and the file's row count. */
  private static Dataset<Row> superseded(SparkSession spark, Table table) {
    Column[] groups = table.groups().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Dataset<Row> rows = spark.read().schema(table.schema()).parquet(table.uri());
    List<Column> kept = new ArrayList<>(List.of(groups));
    kept.add(col(table.time()));
    kept.add(input_file_name().as(FILE));
    Dataset<Row> indexed = rows.select(kept.toArray(Column[]::new))
        .withColumn(LATEST, max(col(table.time())).over(Window.partitionBy(groups)))
        .withColumn("rows", count("*").over(Window.partitionBy(col(FILE))));
    return indexed.filter(col(table.time()).lt(col(LATEST)));
  }

  /** Writes the kept rows of the given files under work/new; returns (staged file, final place) pairs. */
  private static List<String[]> rewriteWithout(SparkSession spark, Table table, Dataset<Row> stale,
      List<String> files, Path work, FileSystem fs) throws IOException {
    List<String> joinOn = new ArrayList<>(table.groups());
    joinOn.add(table.time());
    Dataset<Row> staleKeys = stale.select(joinOn.stream().map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new)).distinct();
    Dataset<Row> kept = spark.read().schema(table.schema()).option("basePath", table.uri())
        .parquet(files.toArray(String[]::new))
        .join(staleKeys, scala.jdk.javaapi.CollectionConverters.asScala(joinOn).toSeq(), "left_anti")
        .select(java.util.Arrays.stream(table.schema().fieldNames()).map(org.apache.spark.sql.functions::col)
            .toArray(Column[]::new));
    Path staged = new Path(work, "new");
    DataFrameWriter<Row> writer = kept.coalesce(1).write().mode(SaveMode.Overwrite);
    if (!table.partitions().isEmpty()) {
      writer = writer.partitionBy(table.partitions().toArray(String[]::new));
    }
    writer.parquet(staged.toString());
    List<String[]> moves = new ArrayList<>();
    String stagedPrefix = fs.makeQualified(staged).toString() + "/";
    Path root = fs.makeQualified(new Path(table.uri()));
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(staged, true);
    while (it.hasNext()) {
      String file = it.next().getPath().toString();
      String relative = file.substring(stagedPrefix.length());
      if (relative.endsWith(".parquet") && !relative.contains("/_") && !relative.startsWith("_")) {
        moves.add(new String[] {file, new Path(root, relative).toString()});
      }
    }
    return moves;
  }

  private static void writeJournal(FileSystem fs, Path work, List<String> deletes, List<String[]> moves)
      throws IOException {
    StringBuilder text = new StringBuilder();
    deletes.forEach(d -> text.append("delete\t").append(d).append('\n'));
    moves.forEach(m -> text.append("move\t").append(m[0]).append('\t').append(m[1]).append('\n'));
    Path partial = new Path(work, JOURNAL + ".partial");
    try (OutputStream out = fs.create(partial, true)) {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
    // the journal appears whole or not at all: a half-written one would lose rows
    if (!fs.rename(partial, new Path(work, JOURNAL))) {
      throw new IOException("cannot rename " + partial + " to " + JOURNAL);
    }
  }

  /** Applies a journal left by this run or a killed one (each step can be repeated), then clears the work folder. */
  private static void finishJournal(FileSystem fs, Path root) throws IOException {
    Path work = new Path(root, WORK_DIR);
    Path journal = new Path(work, JOURNAL);
    if (fs.exists(journal)) {
      List<String> lines = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(journal), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      }
      for (String line : lines) {
        String[] parts = line.split("\t");
        if (parts[0].equals("delete")) {
          fs.delete(new Path(parts[1]), false);
        } else if (parts[0].equals("move")) {
          Path from = new Path(parts[1]);
          Path to = new Path(parts[2]);
          if (fs.exists(from)) {
            fs.mkdirs(to.getParent());
            if (!fs.rename(from, to)) {
              throw new IOException("cannot move " + from + " to " + to);
            }
          }
        }
      }
    }
    fs.delete(work, true); // staged files without a journal are a rewrite that never committed
  }

}
