package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.GaussianField;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A window of an upscaled level (CpuRenderer.renderWindowRgb8) is within one 8-bit level of the
 * float64 reference of the field equation there, and the same bytes as that part of the whole
 * level, though it evaluates only its own samples from the Gaussians that reach it: at the
 * image's corners and edges, inside it, and over all of it.
 */
class WindowRenderTest {

  @ParameterizedTest(name = "k={0}, x{1}, {4}x{5} at {2},{3}")
  @CsvSource({"2,2,0,0,16,16", "2,2,17,11,20,15", "2,4,40,30,30,25", "1,3.5,25,20,33,17", "2,8,0,0,160,120",
      "1,2,38,28,2,2", "2,2,0,10,40,1"})
  void isThatPartOfTheWholeLevel(int k, double s, int x, int y, int w, int h) {
    GaussianField field = RandomFields.random(20, 15, k, 11L * k + (long) s);
    Scale scale = Scale.of(s);
    CpuRenderer renderer = new CpuRenderer();
    BufferedImage whole = renderer.renderRgb8(field, scale);
    BufferedImage window = renderer.renderWindowRgb8(field, scale, x, y, w, h, field.extent());
    byte[] want = bytes(whole.getSubimage(x, y, w, h));
    assertArrayEquals(want, bytes(window), "window bytes");

    double[][][] reference = ReferenceRenderer.render(field, s, s); // the field equation in float64
    double[][][] part = new double[3][h][];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < h; v++) {
        part[c][v] = Arrays.copyOfRange(reference[c][y + v], x, x + w);
      }
    }
    int worst = ReferenceRenderer.worstLevels(window, part);
    assertTrue(worst <= 1, "window against the float64 reference: " + worst + " levels");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"-1,0,10,10", "0,0,81,10", "75,0,6,10", "0,0,0,5", "0,55,10,6"})
  void refusesWindowsOutsideTheLevel(int x, int y, int w, int h) {
    GaussianField field = RandomFields.random(40, 30, 2, 5);
    assertThrows(IllegalArgumentException.class,
        () -> new CpuRenderer().renderWindowRgb8(field, Scale.of(2), x, y, w, h, field.extent()));
  }

  private static byte[] bytes(BufferedImage image) {
    BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    copy.getGraphics().drawImage(image, 0, 0, null);
    byte[] data = ((DataBufferByte) copy.getRaster().getDataBuffer()).getData();
    return Arrays.copyOf(data, data.length);
  }
}
