package dev.p2g.job;

import dev.p2g.spark.ListFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * The first part of a listing, on the driver: folders are listed one by one (breadth first, as
 * the distributed rounds do) until the input is done or a budget is spent, and what is left goes
 * to Spark (ImageListing). A handful of files is then listed in milliseconds instead of the
 * seconds a Spark job per round costs, and a large input costs the driver at most the budget:
 * it never holds more than maxEntries rows, nor makes more than maxListings listing calls (each
 * a round trip on an object store).
 */
final class DriverWalk {
  /**
   * Entries the driver lists before handing the rest to Spark. By measurement (docs/benchmarks.md,
   * "Listing on the driver"): 10,000 local files are walked in about 0.1 s, where the first
   * distributed round alone costs over a second; rows of 10,000 files are about 3 MB.
   */
  static final int MAX_ENTRIES = 10_000;
  /** Folder listings the driver makes, at most: on S3 each is a request of tens of milliseconds. */
  static final int MAX_LISTINGS = 64;
  /** The Spark session setting that overrides MAX_ENTRIES (0: always list in Spark). */
  static final String ENTRIES_KEY = "p2g.listing.driverEntries";

  /** Files found (ListFiles.SCHEMA rows) and the folders not yet listed (empty: the walk is complete). */
  record Result(List<Row> files, List<Row> pending) {
    boolean complete() {
      return pending.isEmpty();
    }
  }

  private DriverWalk() {}

  /** folders: ListFiles folder rows to list; files: files found already (the roots given by name). */
  static Result walk(List<Row> folders, List<Row> files,
      Configuration conf, int maxEntries, int maxListings) throws SystemicException {
    Deque<Row> queue = new ArrayDeque<>(folders);
    List<Row> found = new ArrayList<>(files);
    int entries = found.size();
    int listings = 0;
    while (!queue.isEmpty() && listings < maxListings && entries < maxEntries) {
      Row folder = queue.peekFirst();
      Path dir = new Path(folder.<String>getAs("uri"));
      List<Row> listed;
      try {
        listed = ListFiles.shallow(folder, dir.getFileSystem(conf), maxEntries - entries);
      } catch (FileNotFoundException e) {
        listed = List.of(); // removed while listed: nothing there to encode, as in ListFiles
      } catch (IOException | UncheckedIOException e) {
        throw new SystemicException("cannot list " + dir + ": " + e.getMessage(), e);
      }
      listings++;
      if (listed == null) {
        break; // over the budget: this folder, and those left, are Spark's
      }
      queue.removeFirst();
      entries += listed.size();
      for (Row r : listed) {
        if (r.<Boolean>getAs("is_dir")) {
          queue.addLast(r);
        } else {
          found.add(r);
        }
      }
    }
    return new Result(found, new ArrayList<>(queue));
  }
}
