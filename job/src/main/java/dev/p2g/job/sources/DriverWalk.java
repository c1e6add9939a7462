package dev.p2g.job.sources;

import dev.p2g.job.common.SystemicException;
import dev.p2g.sources.ListFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * A small input's listing, on the driver: folders are listed one by one (breadth first) until
 * the input is done or a budget is spent; a spent budget leaves the listing to Spark
 * (ImageListing). A handful of files is then listed in milliseconds instead of the seconds a
 * Spark job per round costs, and a large input costs the driver at most the budget: it never
 * holds more than maxEntries rows, nor makes more than maxListings listing calls (each a round
 * trip on an object store).
 */
final class DriverWalk {
  /**
   * Entries the driver lists before leaving the listing to Spark. By measurement
   * (docs/benchmarks.md, issue 29): 20,000 local files take Spark's rounds 9.6-10.6 s in a cold
   * JVM and the driver about 0.3 s; on S3 100,000 entries are 100 listing pages, a few seconds
   * from one machine, where Spark's rounds start at seconds too. Their rows are about 30 MB.
   */
  static final int MAX_ENTRIES = 100_000;
  /** Folder listings the driver makes, at most: on S3 each is a request of tens of milliseconds. */
  static final int MAX_LISTINGS = 64;
  /** The Spark session setting that overrides MAX_ENTRIES (0: always list in Spark). */
  static final String ENTRIES_KEY = "p2g.listing.driverEntries";

  private DriverWalk() {}

  /**
   * folders: ListFiles folder rows to list; files: files found already (the roots given by name).
   * Every file below the folders, hidden names left out (ListFiles.SCHEMA rows), or empty when the
   * budget ran out first.
   */
  static Optional<List<Row>> walk(List<Row> folders, List<Row> files, Configuration conf, int maxEntries,
      int maxListings) throws SystemicException {
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
    return queue.isEmpty() ? Optional.of(found) : Optional.empty();
  }
}
