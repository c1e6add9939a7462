package dev.p2g.sources;

import dev.p2g.io.ImageKeys;
import dev.p2g.io.SourceStat;
import dev.p2g.tables.FieldTable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Lists one folder of the input on an executor, so that the listing of millions of files is
 * spread over the cluster and never passes through the driver. Shallow: the folder's own files
 * and its subfolders (to be listed by the next round, in parallel); deep: every file below it,
 * in the store's own recursive listing (one paged prefix listing on S3). Names starting with
 * '_' or '.' are skipped, folders and files alike, as Spark's file sources skip them.
 */
public final class ListFiles implements FlatMapFunction<Row, Row> {
  /** A folder to list, or a file listed: root is the input root its key is relative to. */
  public static final StructType SCHEMA = new StructType()
      .add("root", DataTypes.StringType, false)
      .add("uri", DataTypes.StringType, false)
      .add("is_dir", DataTypes.BooleanType, false)
      .add("key", DataTypes.StringType, true)
      .add("image", DataTypes.BooleanType, false)
      .add(FieldTable.SOURCE_SIZE, DataTypes.LongType, false)
      .add(FieldTable.SOURCE_MODIFIED, DataTypes.LongType, false)
      .add(FieldTable.SOURCE_ETAG, DataTypes.StringType, true);

  private final Broadcast<SerializableConfiguration> conf;
  private final boolean deep;

  public ListFiles(Broadcast<SerializableConfiguration> conf, boolean deep) {
    this.conf = conf;
    this.deep = deep;
  }

  /** A folder row, to be listed. */
  public static Row folder(String root, String uri) {
    return new GenericRowWithSchema(new Object[] {root, uri, true, null, false, 0L, 0L, null}, SCHEMA);
  }

  /** A file row: its key is its path below root, sanitised; image says whether its extension names an image. */
  public static Row file(String root, FileStatus status) {
    String path = status.getPath().toUri().getPath();
    String relative = path.startsWith(root) ? path.substring(root.length()) : status.getPath().getName();
    String key = ImageKeys.sanitize(relative);
    SourceStat stat = SourceStat.of(status);
    return new GenericRowWithSchema(new Object[] {root, status.getPath().toString(), false, key,
        ImageKeys.isImage(key), stat.size(), stat.modifiedMillis(), stat.etag()}, SCHEMA);
  }

  public static boolean hidden(Path path) {
    String name = path.getName();
    return name.startsWith("_") || name.startsWith(".");
  }

  @Override
  public Iterator<Row> call(Row folder) throws IOException {
    String root = folder.getAs("root");
    Path dir = new Path(folder.<String>getAs("uri"));
    FileSystem fs = dir.getFileSystem(conf.value().value());
    List<Row> out = new ArrayList<>();
    try {
      if (deep) {
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
        while (files.hasNext()) {
          LocatedFileStatus f = files.next();
          if (!hiddenBelow(dir, f.getPath())) {
            out.add(file(root, f));
          }
        }
      } else {
        return shallow(folder, fs).iterator();
      }
    } catch (FileNotFoundException e) {
      return List.<Row>of().iterator(); // removed while the job listed it: nothing there to encode
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out.iterator();
  }

  /**
   * One folder's own files and its subfolders (folder rows), hidden names left out: a round of
   * the listing in a task, and a step of the driver's walk of a small input (DriverWalk).
   *
   * @throws FileNotFoundException when the folder is gone
   */
  public static List<Row> shallow(Row folder, FileSystem fs) throws IOException {
    return shallow(folder, fs, Integer.MAX_VALUE);
  }

  /**
   * As shallow(folder, fs), but null as soon as the folder holds more than limit entries: a
   * caller with a budget stops paging through a large folder at once.
   */
  public static List<Row> shallow(Row folder, FileSystem fs, int limit) throws IOException {
    String root = folder.getAs("root");
    List<Row> out = new ArrayList<>();
    RemoteIterator<FileStatus> entries = fs.listStatusIterator(new Path(folder.<String>getAs("uri")));
    while (entries.hasNext()) {
      FileStatus f = entries.next();
      if (hidden(f.getPath())) {
        continue;
      }
      if (out.size() == limit) {
        return null;
      }
      out.add(f.isDirectory() ? folder(root, f.getPath().toString()) : file(root, f));
    }
    return out;
  }

  /** A recursive listing gives files only: a hidden folder on the way down hides them too. */
  private static boolean hiddenBelow(Path top, Path file) {
    String topPath = top.toUri().getPath();
    String path = file.toUri().getPath();
    String relative = path.startsWith(topPath) ? path.substring(topPath.length()) : file.getName();
    for (String part : relative.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
