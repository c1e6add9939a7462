package dev.p2g.job.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listing, on the driver and as Spark work: folders below the shallow rounds, hidden names at
 * every depth, a file given by name, empty files, other files and duplicate output names, as
 * Spark's file sources have them, and the same whichever path lists them.
 */
class ImageListingTest {
  @TempDir
  Path tmp;

  /** Whole on the driver, cut short after 3 entries (Spark lists the rest), and all in Spark. */
  @ParameterizedTest
  @ValueSource(ints = {DriverWalk.MAX_ENTRIES, 3, 0})
  void listsEveryLevelSkipsHiddenNamesAndRefusesDuplicates(int driverEntries) throws Exception {
    Path in = sampleTree();
    SparkSession spark = SparkTestSession.get();
    ImageListing.Listing listing = ImageListing.list(spark,
        List.of(in.toString(), in.resolve("other/solo.webp").toString()), InputFormat.FILES, null, conf(spark),
        driverEntries);
    try {
      assertEquals(driverEntries == DriverWalk.MAX_ENTRIES, listing.local() != null, "listed on the driver");
      Set<String> keys = new TreeSet<>();
      for (Row r : listing.images().collectAsList()) {
        keys.add(r.getString(r.fieldIndex("key")));
        assertEquals(Files.size(Path.of(new org.apache.hadoop.fs.Path(r.getString(0)).toUri().getPath())),
            r.getLong(r.fieldIndex("source_size")), r.toString());
      }
      // other/solo.webp is listed twice: under in/ (key other/solo.webp) and by name (key solo.webp)
      assertEquals(new TreeSet<>(List.of("a.png", "b.jpg", "empty.png", "d1/c.jpg", "d1/d2/e.png",
          "d1/d2/d3/f.png", "d1/d2/d3/d4/g.PNG", "other/solo.webp", "solo.webp")), keys);
      assertEquals(keys.size(), listing.imageCount());
      assertEquals(1, listing.otherFiles(), "notes.txt");
      assertEquals(1, listing.duplicateCount());
      Row dup = listing.refused().first();
      assertEquals("d1/c.png", dup.getString(dup.fieldIndex("key")));
      assertEquals("list.duplicate-name", dup.getString(dup.fieldIndex("error_class")));
    } finally {
      listing.release();
    }
  }

  /** The threshold between the driver and Spark is never a different result: rows, counts and refusals alike. */
  @Test
  void theDriversListingEqualsSparksRowForRow() throws Exception {
    Path in = sampleTree();
    // the same key from two roots: the first by URI keeps it, where Spark's order (UTF-8 bytes)
    // and Java's (UTF-16 units) disagree: U+FF5E sorts first in UTF-8, U+1F600 in UTF-16
    Path fullwidth = in.resolve("r\uff5e");
    Path emoji = in.resolve("r\ud83d\ude00");
    write(fullwidth.resolve("same.png"), new byte[3]);
    write(emoji.resolve("same.png"), new byte[4]);
    SparkSession spark = SparkTestSession.get();
    List<String> inputs = List.of(in.toString(), emoji.toString(), fullwidth.toString());
    ImageListing.Listing local = ImageListing.list(spark, inputs, InputFormat.FILES, null, conf(spark),
        DriverWalk.MAX_ENTRIES);
    ImageListing.Listing spread = ImageListing.list(spark, inputs, InputFormat.FILES, null, conf(spark), 0);
    try {
      assertTrue(local.local() != null && spread.local() == null);
      assertEquals(sorted(spread.images()), sorted(local.images()));
      assertEquals(sorted(spread.refused()), sorted(local.refused()));
      assertEquals(List.of(spread.imageCount(), spread.imageBytes(), spread.otherFiles(), spread.duplicateCount()),
          List.of(local.imageCount(), local.imageBytes(), local.otherFiles(), local.duplicateCount()));
      assertEquals(2, local.duplicateCount());
      assertTrue(sorted(local.refused()).toString().contains("r\ud83d\ude00/same.png"), "the emoji root's is refused");
    } finally {
      local.release();
      spread.release();
    }
  }

  private static List<String> sorted(org.apache.spark.sql.Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static Broadcast<SerializableConfiguration> conf(SparkSession spark) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
  }

  private Path sampleTree() throws IOException {
    Path in = tmp.resolve("in");
    for (String f : List.of("a.png", "b.jpg", ".hidden.png", "_skip.png", "notes.txt", "d1/c.png", "d1/c.jpg",
        "d1/d2/e.png", "d1/d2/d3/f.png", "d1/d2/d3/d4/g.PNG", "_hidden_dir/h.png", "d1/d2/.git/i.png",
        "d1/d2/d3/_tmp/j.png", "d1/d2/d3/d4/.k.png", "other/solo.webp")) {
      write(in.resolve(f), f.getBytes());
    }
    write(in.resolve("empty.png"), new byte[0]);
    return in;
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
