package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.Degradation;
import dev.p2g.field.GaussianField;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A field cut into tiles and rendered band by band through the streaming PNG writer gives the
 * float64 reference's image of the whole field, to one 8-bit level, at every pixel: no seams.
 */
class TiledRenderTest {
  @ParameterizedTest(name = "{0}x{1} k={2} tiles of {3} at x{4}, degraded {5}")
  @CsvSource({
      "37, 29, 2, 8, 2, false",
      "37, 29, 1, 5, 3.7, false",
      "40, 23, 2, 7, 0.5, false",
      "31, 17, 2, 6, 2x3, false",
      "16, 40, 1, 16, 1, false",
      "33, 9, 2, 4, 0.3, false",
      "21, 90, 1, 8, 0.25, false",
      "40, 23, 2, 7, 1, true",
      "21, 90, 1, 8, 3x0.4, true"})
  void tilesStreamedEqualTheWholeFieldsReference(int w, int h, int k, int tile, String scaleText, boolean degraded)
      throws IOException {
    GaussianField whole = RandomFields.random(w, h, k, 17L * w + h + k)
        .withDegradation(degraded ? new Degradation(Degradation.BICUBIC, 2, 4) : null);
    Scale scale = Scale.parse(scaleText);
    double reach = 0;
    for (int y = 0; y < h; y += tile) {
      for (int x = 0; x < w; x += tile) {
        reach = Math.max(reach, whole.crop(x, y, Math.min(tile, w - x), Math.min(tile, h - y)).reach());
      }
    }
    int outW = scale.outputWidth(w);
    int outH = scale.outputHeight(h);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    TiledRender render;
    try (PngRowWriter writer = new PngRowWriter(png, outW, outH)) {
      render = new TiledRender(new CpuRenderer(), w, h, scale, whole.degradation(), reach, tile, writer);
      for (int y = 0; y < h; y += tile) {
        for (int x = 0; x < w; x += tile) {
          render.add(new TiledRender.Tile(whole.crop(x, y, Math.min(tile, w - x), Math.min(tile, h - y)), x, y));
        }
      }
      render.finish();
    }
    int worst = ReferenceRenderer.worstLevels(png.toByteArray(), whole, scale);
    int sampleRows = new CpuRenderer().grid(w, h, scale, whole.degradation()).height();
    System.out.printf("tiled %dx%d k=%d tile %d x%s: band of %d of %d sample rows, worst %d level(s) off the"
        + " float64 reference%n", w, h, k, tile, scaleText, render.bandRows(), sampleRows, worst);
    assertTrue(worst <= 1, "worst difference " + worst + " levels");
    if (sampleRows > 4 * render.bandRows()) {
      assertTrue(render.bandRows() < sampleRows, "the band is smaller than the image");
    }
  }

  @Test
  void aReachTooSmallIsAnErrorNotASeam() throws IOException {
    GaussianField whole = RandomFields.random(30, 30, 2, 5);
    TiledRender render = new TiledRender(new CpuRenderer(), 30, 30, Scale.of(2), 0, 5,
        new PngRowWriter(new ByteArrayOutputStream(), 60, 60));
    assertThrows(IllegalStateException.class, () -> {
      for (int y = 0; y < 30; y += 5) {
        render.add(new TiledRender.Tile(whole.crop(0, y, 30, 5), 0, y));
      }
    });
  }

  @Test
  void tilesOutOfOrderAreRefused() throws IOException {
    GaussianField whole = RandomFields.random(10, 10, 1, 5);
    TiledRender render = new TiledRender(new CpuRenderer(), 10, 10, Scale.of(2), 3, 5,
        new PngRowWriter(new ByteArrayOutputStream(), 20, 20));
    render.add(new TiledRender.Tile(whole.crop(0, 5, 10, 5), 0, 5));
    assertThrows(IllegalArgumentException.class, () -> render.add(new TiledRender.Tile(whole.crop(0, 0, 10, 5), 0, 0)));
  }
}
