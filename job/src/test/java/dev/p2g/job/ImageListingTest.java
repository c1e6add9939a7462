package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/**
 * The listing as Spark work: folders below the shallow rounds, hidden names at every depth, a
 * file given by name, empty files, other files and duplicate output names, as the old driver-side
 * listing (and Spark's file sources) had them.
 */
class ImageListingTest {
  @TempDir
  Path tmp;

  @Test
  void listsEveryLevelSkipsHiddenNamesAndRefusesDuplicates() throws Exception {
    Path in = tmp.resolve("in");
    for (String f : List.of("a.png", "b.jpg", ".hidden.png", "_skip.png", "notes.txt", "d1/c.png", "d1/c.jpg",
        "d1/d2/e.png", "d1/d2/d3/f.png", "d1/d2/d3/d4/g.PNG", "_hidden_dir/h.png", "d1/d2/.git/i.png",
        "d1/d2/d3/_tmp/j.png", "d1/d2/d3/d4/.k.png", "other/solo.webp")) {
      write(in.resolve(f), f.getBytes());
    }
    write(in.resolve("empty.png"), new byte[0]);
    SparkSession spark = SparkTestSession.get();
    Broadcast<SerializableConfiguration> conf = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));

    ImageListing.Listing listing = ImageListing.list(spark,
        List.of(in.toString(), in.resolve("other/solo.webp").toString()), InputFormat.FILES, null, conf);
    try {
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

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
