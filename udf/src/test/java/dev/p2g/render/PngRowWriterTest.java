package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every filter and level gives a PNG that ImageIO's reader decodes to exactly the rows written. */
class PngRowWriterTest {
  @ParameterizedTest(name = "{0} filter, zlib {1}")
  @CsvSource({"NONE, 1", "SUB, 4", "UP, 4", "UP, 9", "UP, 0", "SUB, 6"})
  void rowsComeBackExactly(PngRowWriter.Filter filter, int level) throws IOException {
    int w = 37;
    int h = 23;
    Random random = new Random(filter.ordinal() * 10L + level);
    byte[][] rows = new byte[h][3 * w];
    for (byte[] row : rows) {
      for (int i = 0; i < row.length; i++) { // smooth with noise, as renderings are, and wrap-around edges
        row[i] = (byte) (i + random.nextInt(7) - 3);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try (PngRowWriter writer = new PngRowWriter(png, w, h, level, filter)) {
      for (byte[] row : rows) {
        writer.row(row);
      }
    }
    BufferedImage got = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
    assertEquals(w, got.getWidth());
    for (int y = 0; y < h; y++) {
      byte[] back = new byte[3 * w];
      for (int x = 0; x < w; x++) {
        int rgb = got.getRGB(x, y);
        back[3 * x] = (byte) (rgb >> 16);
        back[3 * x + 1] = (byte) (rgb >> 8);
        back[3 * x + 2] = (byte) rgb;
      }
      assertArrayEquals(rows[y], back, "row " + y);
    }
  }

  @Test
  void tooFewRowsFailTheCloseAndTooManyTheRow() throws IOException {
    PngRowWriter short_ = new PngRowWriter(new ByteArrayOutputStream(), 2, 3);
    short_.row(new byte[6]);
    short_.row(new byte[6]);
    assertThrows(IOException.class, short_::close, "2 of 3 rows");
    PngRowWriter full = new PngRowWriter(new ByteArrayOutputStream(), 2, 1);
    full.row(new byte[6]);
    assertThrows(IllegalStateException.class, () -> full.row(new byte[6]), "a second row of 1");
  }
}
