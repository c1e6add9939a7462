package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.tables.FieldTable;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Samples encoded in tiles of 64 LR pixels (every sample is larger, so every image is tiled
 * and rendered band by band, written by the streaming PNG writer) give the same pyramid as whole
 * images, within one 8-bit level at every pixel: the halos hide every seam. One sample (a
 * 197 KB 16-bit PNG) is large enough in bytes to be encoded in parts (LargeImageParts), whose
 * tiles render from several files.
 */
class TilingTest {
  private static final String SCALES = "2,0.5,3.7";
  /** Under the smallest sample's side (96): 2 x 2 tiles at least, each with the model's halo around it. */
  private static final int TILE = 64;

  @TempDir
  static Path tmp;
  static JobRun whole;
  static JobRun tiled;

  /**
   * Four of the samples, one of each kind the tiles meet: a JPEG photo (12 tiles here; the largest
   * sample, 40 tiles, only made the test slower), the 16-bit PNG (in parts), alpha, and a palette
   * in a nested folder.
   */
  static final List<String> IMAGES = List.of("nested/moss.jpg", "fallen-leaf-16bit.png", "badge-rgba.png",
      "nested/deeper/konqui-palette.png");

  @BeforeAll
  static void runBoth() throws IOException {
    Path in = tmp.resolve("in");
    for (String image : IMAGES) {
      Files.createDirectories(in.resolve(image).getParent());
      Files.copy(ResumeTest.SAMPLES.resolve(image), in.resolve(image));
    }
    // f32: what is compared is tiling; a quantising codec's ranges are per row, so per tile
    whole = JobRun.of("run", "--input", in.toString(), "--output", tmp.resolve("whole").toString(),
        "--scales", SCALES, "--codec", "f32");
    tiled = JobRun.of("run", "--input", in.toString(), "--output", tmp.resolve("tiled").toString(),
        "--scales", SCALES, "--tile", Integer.toString(TILE), "--codec", "f32");
  }

  @Test
  void tiledPyramidEqualsWholeWithinOneLevel() throws IOException {
    assertEquals(Main.OK, whole.exitCode(), whole.err());
    assertEquals(Main.OK, tiled.exitCode(), tiled.err());
    Path wholePyramid = tmp.resolve("whole/pyramid");
    List<Path> images;
    try (Stream<Path> s = Files.walk(wholePyramid)) {
      images = s.filter(p -> p.toString().endsWith(".png")).toList();
    }
    assertEquals(IMAGES.size() * 3, images.size());
    int worst = 0;
    long differing = 0;
    long total = 0;
    for (Path w : images) {
      BufferedImage a = ImageIO.read(w.toFile());
      BufferedImage b = ImageIO.read(tmp.resolve("tiled/pyramid").resolve(wholePyramid.relativize(w)).toFile());
      assertEquals(a.getWidth(), b.getWidth(), w.toString());
      assertEquals(a.getHeight(), b.getHeight(), w.toString());
      for (int y = 0; y < a.getHeight(); y++) {
        for (int x = 0; x < a.getWidth(); x++) {
          int pa = a.getRGB(x, y);
          int pb = b.getRGB(x, y);
          int d = 0;
          for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs(((pa >> shift) & 0xff) - ((pb >> shift) & 0xff)));
          }
          worst = Math.max(worst, d);
          differing += d > 0 ? 1 : 0;
          total++;
        }
      }
    }
    System.out.printf("tiles of " + TILE + " vs whole images: %d images, worst difference %d level(s), %.4f%% of %d"
        + " pixels differ%n", images.size(), worst, 100.0 * differing / total, total);
    assertTrue(worst <= 1, "worst difference " + worst + " levels");
  }

  @Test
  void tilesAreStoredAsRowsOfOneImage() {
    List<Row> rows = SparkTestSession.get().read().schema(FieldTable.SCHEMA)
        .parquet(tmp.resolve("tiled/fields").toString()).collectAsList();
    assertTrue(rows.size() > IMAGES.size() * 4, "every sample is cut into tiles: " + rows.size() + " rows");
    assertEquals(IMAGES.size(), rows.stream().map(r -> r.getString(r.fieldIndex("key"))).distinct().count());
    for (Row r : rows) {
      int tw = r.getInt(r.fieldIndex("tile_width"));
      int th = r.getInt(r.fieldIndex("tile_height"));
      assertTrue(tw <= TILE && th <= TILE, "tile " + tw + "x" + th);
      assertTrue(r.getDouble(r.fieldIndex("reach")) > 0, "reach recorded");
    }
    assertTrue(tiled.out().contains("wrote " + IMAGES.size() * 3 + " images"), tiled.out());
  }
}
