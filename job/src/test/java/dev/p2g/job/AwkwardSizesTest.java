package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.render.Scale;
import dev.p2g.tables.ManifestTable;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images of awkward sizes (a single pixel, one row, one column, odd sizes, one that is tiled
 * into 1-pixel-wide leftovers) go through the whole job: every level comes out at the size the
 * scale rule gives, decodes, and nothing lands in errors/.
 */
class AwkwardSizesTest {
  private static final Map<String, int[]> SIZES = Map.of(
      "one-pixel.png", new int[] {1, 1},
      "one-row.png", new int[] {9, 1},
      "one-column.PNG", new int[] {1, 9},
      "odd/thirteen by nine.png", new int[] {13, 9},
      "leftover-column.png", new int[] {33, 40});

  @TempDir
  Path tmp;

  @Test
  void everySizeRendersAtTheRightSizeAtEveryLevel() throws IOException {
    Path input = tmp.resolve("in");
    Random rnd = new Random(3);
    for (Map.Entry<String, int[]> e : SIZES.entrySet()) {
      BufferedImage img = new BufferedImage(e.getValue()[0], e.getValue()[1], BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          img.setRGB(x, y, rnd.nextInt(1 << 24));
        }
      }
      Path file = input.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      ImageIO.write(img, "png", file.toFile());
    }
    Path out = tmp.resolve("out");
    // tiles of 32: the 33-wide image leaves a 1-pixel column of tiles
    JobRun run = JobRun.of("run", "--input", input.toString(), "--output", out.toString(), "--scales",
        "2,0.5,3", "--tile", "32");
    assertEquals(Main.OK, run.exitCode(), run.err());
    assertTrue(run.out().contains("0 failed"), run.out());
    List<Row> manifest = SparkTestSession.get().read().schema(ManifestTable.SCHEMA)
        .parquet(out.resolve("manifest").toString()).collectAsList();
    assertEquals(SIZES.size() * 3, manifest.size());
    for (Row m : manifest) {
      int[] size = SIZES.get(m.getString(m.fieldIndex("key")));
      Scale s = Scale.parse(m.getString(m.fieldIndex("scale")));
      BufferedImage img = ImageIO.read(new File(new org.apache.hadoop.fs.Path(m.getString(m.fieldIndex("path")))
          .toUri()));
      assertEquals(s.outputWidth(size[0]), img.getWidth(), m.toString());
      assertEquals(s.outputHeight(size[1]), img.getHeight(), m.toString());
    }
  }
}
