package dev.p2g.job.tables;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
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
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Removes rows from an append-only Parquet table without moving a file (S3 moves by copying).
 * Files whose every row goes are deleted; from files holding some, the rows that stay are
 * appended to the table in new files named after the rewrite, and the old files are deleted once
 * that append has committed.
 *
 * <p>A journal (_p2g_compaction/journal), complete before the append starts, names the rewrite,
 * the rows it must add and the files it replaces. Whoever finds it (this run, or the next after a
 * kill) counts the rows in the rewrite's files: all there, the old files go; fewer (the append
 * never committed, or committed in part), the rewrite's files go and the old ones stay. Either way
 * no row is lost or doubled once the journal is finished. One run per output folder at a time.
 */
public final class TableRewrite {
  static final String WORK_DIR = "_p2g_compaction";
  /** The column naming a row's file in Removal.perFile (input_file_name()). */
  static final String FILE = "_p2g_file";
  /** Removal.perFile's count of a file's rows, and of those that go. */
  static final String ROWS = "rows";
  static final String GOING = "going";
  static final String JOURNAL = "journal";
  private static final String HEADER = "rewrite";
  private static final String DELETE = "delete";
  private static final String END = "end";
  /** Partly emptied files merged into one rewritten file: the table's files stay of a useful size. */
  private static final int FILES_PER_REWRITE = 8;

  /** A table: its URI, schema and partition columns. */
  record Table(String uri, StructType schema, List<String> partitions) {}

  /**
   * Which rows go: per file (columns FILE, ROWS: its rows, GOING: its rows that go; files with
   * none going left out), and a filter keeping the rest.
   */
  interface Removal {
    Dataset<Row> perFile();

    Dataset<Row> keep(Dataset<Row> rowsOfFiles);
  }

  private TableRewrite() {}

  /**
   * Rows removed. removal is made after a killed rewrite has been finished, so that it sees the
   * table as that left it.
   */
  static long apply(SparkSession spark, Table table, Supplier<Removal> removal, FileSystem fs) throws IOException {
    Path root = new Path(table.uri());
    finish(spark, table, fs);
    Removal r = removal.get();
    List<String> replaced = new ArrayList<>();
    List<String> rewritten = new ArrayList<>();
    long removed = 0;
    long kept = 0;
    for (Row file : r.perFile().collectAsList()) {
      String path = hadoopPath(file.getAs(FILE));
      long rows = file.getAs(ROWS);
      long going = file.getAs(GOING);
      removed += going;
      replaced.add(path);
      if (going < rows) {
        rewritten.add(path);
        kept += rows - going;
      }
    }
    if (replaced.isEmpty()) {
      return 0;
    }
    String tag = "p2g-rewrite-" + UUID.randomUUID();
    writeJournal(fs, new Path(root, WORK_DIR), tag, kept, replaced);
    if (!rewritten.isEmpty()) {
      Dataset<Row> keptRows = r.keep(spark.read().schema(table.schema()).option("basePath", table.uri())
              .parquet(rewritten.toArray(String[]::new)))
          .select(Arrays.stream(table.schema().fieldNames()).map(functions::col).toArray(Column[]::new))
          .coalesce(Math.max(1, rewritten.size() / FILES_PER_REWRITE));
      DataFrameWriter<Row> writer = keptRows.write().mode(SaveMode.Append);
      if (!table.partitions().isEmpty()) {
        writer = writer.partitionBy(table.partitions().toArray(String[]::new));
      }
      OutputCommitters.writeTagged(spark, writer, tag, table.uri());
    }
    finish(spark, table, fs);
    return removed;
  }

  /** input_file_name() gives an escaped URI (%20 for a space); Hadoop paths take the plain form. */
  public static String hadoopPath(String inputFileName) {
    try {
      return new Path(java.net.URI.create(inputFileName)).toString();
    } catch (IllegalArgumentException e) {
      return inputFileName; // already plain
    }
  }

  /** The journal, with its last line written last: a journal cut short by a kill has no END and is ignored. */
  private static void writeJournal(FileSystem fs, Path work, String tag, long rows, List<String> replaced)
      throws IOException {
    StringBuilder text = new StringBuilder(HEADER).append('\t').append(tag).append('\t').append(rows).append('\n');
    replaced.forEach(f -> text.append(DELETE).append('\t').append(f).append('\n'));
    text.append(END).append('\n');
    fs.delete(work, true);
    try (OutputStream out = fs.create(new Path(work, JOURNAL), true)) {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Finishes or undoes the rewrite a journal describes (each step can be repeated), then clears the work folder. */
  static void finish(SparkSession spark, Table table, FileSystem fs) throws IOException {
    Path root = new Path(table.uri());
    Path work = new Path(root, WORK_DIR);
    Path journal = new Path(work, JOURNAL);
    if (fs.exists(journal)) {
      List<String[]> lines = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(journal), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line.split("\t"));
        }
      }
      if (!lines.isEmpty() && lines.get(0)[0].equals(HEADER)) {
        if (lines.get(lines.size() - 1)[0].equals(END)) {
          settle(spark, table, fs, lines);
        }
      } else {
        finishMoves(fs, lines);
      }
    }
    fs.delete(work, true); // staged files without a journal are a rewrite that never committed
  }

  private static void settle(SparkSession spark, Table table, FileSystem fs, List<String[]> lines) throws IOException {
    String tag = lines.get(0)[1];
    long expected = Long.parseLong(lines.get(0)[2]);
    List<String> tagged = taggedFiles(fs, new Path(table.uri()), tag);
    long committed = tagged.isEmpty() ? 0
        : spark.read().schema(table.schema()).parquet(tagged.toArray(String[]::new)).count();
    if (committed == expected) {
      for (String[] line : lines) {
        if (line[0].equals(DELETE)) {
          fs.delete(new Path(line[1]), false);
        }
      }
    } else { // the rewrite never committed, or in part: its files go, the old ones stay
      for (String f : tagged) {
        fs.delete(new Path(f), false);
      }
    }
  }

  /** The table's data files named after a rewrite; staging folders (_temporary, __magic_job-*) are not the table. */
  private static List<String> taggedFiles(FileSystem fs, Path root, String tag) throws IOException {
    List<String> files = new ArrayList<>();
    String prefix = fs.makeQualified(root).toString();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      Path p = it.next().getPath();
      String relative = p.toString().substring(Math.min(prefix.length(), p.toString().length()));
      boolean staging = Arrays.stream(relative.split("/")).anyMatch(part -> part.startsWith("_") || part.startsWith("."));
      if (!staging && p.getName().startsWith(tag)) {
        files.add(p.toString());
      }
    }
    return files;
  }

  /**
   * A journal of the earlier form (before rewrites were made copy-free): files to delete and
   * staged files to move in, written whole by a rename.
   */
  private static void finishMoves(FileSystem fs, List<String[]> lines) throws IOException {
    for (String[] parts : lines) {
      if (parts[0].equals(DELETE)) {
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
}
