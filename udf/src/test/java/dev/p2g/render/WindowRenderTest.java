package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.Degradation;
import dev.p2g.field.GaussianField;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A window of a level (WindowRender) is within one 8-bit level of the float64 reference of the
 * field equation there, and the same bytes as that part of the whole level, though it evaluates
 * only its own samples from the Gaussians that reach it: at the image's corners and edges,
 * inside it, and over all of it; upscaled, reduced, and from an image's tiles.
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
    BufferedImage window = window(field, scale, x, y, w, h);
    byte[] want = bytes(whole.getSubimage(x, y, w, h));
    assertArrayEquals(want, bytes(window), "window bytes");
    assertNearReference(window, field, scale, x, y);
  }

  /**
   * Levels at scale 1 and below reduce their samples (Lanczos3 of the scale-1 samples, or
   * bicubic then Lanczos3 of a degradation model's 2x samples): a window of one takes the samples
   * under its outputs' filter support and the same weights, so the same bytes again, with chunks
   * of sample rows small enough that a window takes several.
   */
  @ParameterizedTest(name = "k={0}, x{1}, degraded {2}, {5}x{6} at {3},{4}")
  @CsvSource({"2,1,false,3,4,10,7", "2,0.5,false,0,0,10,8", "2,0.5,false,4,3,6,5", "1,0.3,false,2,1,4,3",
      "2,0.25,true,1,1,4,3", "2,1,true,5,5,9,7", "1,0.75,true,0,0,15,11", "2,0.5,true,7,5,3,3"})
  void reducedLevelsToo(int k, double s, boolean degraded, int x, int y, int w, int h) {
    GaussianField field = RandomFields.random(20, 15, k, 7L * k + (long) (10 * s));
    if (degraded) {
      field = field.withDegradation(new Degradation(Degradation.BICUBIC, 2, 4));
    }
    Scale scale = Scale.of(s);
    CpuRenderer renderer = new CpuRenderer();
    BufferedImage whole = renderer.renderRgb8(field, scale);
    SampleGrid grid = renderer.grid(field.width(), field.height(), scale, field.degradation());
    long before = WindowRender.chunkSamples;
    WindowRender.chunkSamples = 2L * grid.width(); // two sample rows a chunk
    try {
      BufferedImage window = window(field, scale, x, y, w, h);
      assertArrayEquals(bytes(whole.getSubimage(x, y, w, h)), bytes(window), "window bytes");
      assertNearReference(window, field, scale, x, y);
    } finally {
      WindowRender.chunkSamples = before;
    }
  }

  /**
   * An image stored as tiles: a window from the tiles that reach it, added in raster order, is
   * the same bytes as that part of the level TiledRender streams (the render command's), up and
   * down, tiles that do not reach the window left out.
   */
  @ParameterizedTest(name = "x{0}, {3}x{4} at {1},{2}")
  @CsvSource({"2,10,6,12,9", "0.5,3,2,6,5", "3.5,40,30,20,20", "1,0,0,29,23"})
  void tilesThatReachTheWindow(String scaleText, int x, int y, int w, int h) throws IOException {
    GaussianField whole = RandomFields.random(29, 23, 2, 99);
    Scale scale = Scale.parse(scaleText);
    int tile = 7;
    List<WindowRender.Part> tiles = new ArrayList<>();
    for (int ty = 0; ty < 23; ty += tile) {
      for (int tx = 0; tx < 29; tx += tile) {
        GaussianField f = whole.crop(tx, ty, Math.min(tile, 29 - tx), Math.min(tile, 23 - ty));
        tiles.add(new WindowRender.Part(f, tx, ty, f.extent()));
      }
    }
    CpuRenderer renderer = new CpuRenderer();
    SampleGrid grid = renderer.grid(29, 23, scale, null);
    ByteArrayOutputStream rows = new ByteArrayOutputStream();
    TiledRender streamed = new TiledRender(renderer, 29, 23, scale, whole.reach() + tile, tile, rows::write);
    for (WindowRender.Part p : tiles) {
      streamed.add(new TiledRender.Tile(p.field(), p.x(), p.y()));
    }
    streamed.finish();
    byte[] level = rows.toByteArray();
    byte[] want = new byte[3 * w * h];
    for (int v = 0; v < h; v++) {
      System.arraycopy(level, 3 * ((y + v) * grid.outWidth() + x), want, 3 * v * w, 3 * w);
    }
    WindowRender render = WindowRender.of(renderer, 29, 23, scale, null, x, y, w, h);
    WindowRender.Footprint at = render.footprint();
    List<WindowRender.Part> reaching = tiles.stream()
        .filter(p -> at.meets(p.x(), p.y(), p.field().width(), p.field().height(), p.field().reach())).toList();
    if (x > 0) {
      assertTrue(reaching.size() < tiles.size(), "some tiles are left out");
    }
    BufferedImage window = render.rgb8(reaching);
    assertNearReference(window, whole, scale, x, y);
    byte[] got = bytes(window);
    for (int i = 0; i < got.length; i += 3) { // BGR to RGB
      byte b = got[i];
      got[i] = got[i + 2];
      got[i + 2] = b;
    }
    assertArrayEquals(want, got, "window bytes");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"-1,0,10,10", "0,0,81,10", "75,0,6,10", "0,0,0,5", "0,55,10,6"})
  void refusesWindowsOutsideTheLevel(int x, int y, int w, int h) {
    GaussianField field = RandomFields.random(40, 30, 2, 5);
    assertThrows(IllegalArgumentException.class, () -> window(field, Scale.of(2), x, y, w, h));
  }

  @Test
  void refusesARendererOfAnotherRule() {
    assertThrows(IllegalArgumentException.class, () -> WindowRender.of(new CpuRenderer(CpuRenderer.Downscale.FOOTPRINT),
        40, 30, Scale.of(0.5), null, 0, 0, 5, 5));
  }

  /** The window of a whole image's field, its only part. */
  private static BufferedImage window(GaussianField field, Scale scale, int x, int y, int w, int h) {
    return WindowRender.of(new CpuRenderer(), field.width(), field.height(), scale, field.degradation(), x, y, w, h)
        .rgb8(List.of(new WindowRender.Part(field, 0, 0, field.extent())));
  }

  /** The window is within one 8-bit level of that part of the float64 reference of the level. */
  private static void assertNearReference(BufferedImage window, GaussianField field, Scale scale, int x, int y) {
    double[][][] reference = ReferenceRenderer.render(field, scale.x(), scale.y()); // the field equation in float64
    int w = window.getWidth();
    int h = window.getHeight();
    double[][][] part = new double[3][h][];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < h; v++) {
        part[c][v] = Arrays.copyOfRange(reference[c][y + v], x, x + w);
      }
    }
    int worst = ReferenceRenderer.worstLevels(window, part);
    assertTrue(worst <= 1, "window against the float64 reference: " + worst + " levels");
  }

  private static byte[] bytes(BufferedImage image) {
    BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    copy.getGraphics().drawImage(image, 0, 0, null);
    byte[] data = ((DataBufferByte) copy.getRaster().getDataBuffer()).getData();
    return Arrays.copyOf(data, data.length);
  }
}
