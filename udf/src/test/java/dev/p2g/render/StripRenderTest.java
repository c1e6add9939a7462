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
 * The GPU's way through a tiled image (StripRender: rows of tiles kept as a strip, sample rows
 * taken in chunks from windows of it) gives the float64 reference's image of the whole field,
 * to one 8-bit level, at every pixel, here through a CPU sampler: a window that misses anchors
 * within reach, a chunk written twice or a row dropped too early shows as a wrong pixel.
 */
class StripRenderTest {
  @ParameterizedTest(name = "{0}x{1} k={2} tiles of {3} at x{4}, chunks of {5} samples, degraded {6}")
  @CsvSource({
      "37, 29, 2, 8, 2, 100, false",
      "37, 29, 1, 5, 3.7, 1000000, false",
      "40, 23, 2, 7, 0.5, 90, false",
      "31, 17, 2, 6, 2x3, 200, false",
      "16, 40, 1, 16, 1, 16, false",
      "33, 9, 2, 4, 0.3, 33, false",
      "21, 90, 1, 8, 0.25, 50, false",
      "29, 31, 2, 3, 4, 1, false",
      "40, 23, 2, 7, 1, 90, true",
      "21, 90, 1, 8, 0.4x2, 50, true"})
  void stripsEqualTheWholeFieldsReference(int w, int h, int k, int tile, String scaleText, long maxSamples,
      boolean degraded) throws IOException {
    GaussianField whole = RandomFields.random(w, h, k, 31L * w + h + k)
        .withDegradation(degraded ? new Degradation(Degradation.BICUBIC, 2, 4) : null);
    Scale scale = Scale.parse(scaleText);
    double reach = reach(whole, tile);
    int outW = scale.outputWidth(w);
    int outH = scale.outputHeight(h);
    CpuBandSampler sampler = new CpuBandSampler();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try (PngRowWriter writer = new PngRowWriter(png, outW, outH)) {
      StripRender render = new StripRender(sampler, w, h, scale, whole.degradation(), reach, maxSamples, writer);
      feed(render, whole, tile);
      render.finish();
    }
    int worst = ReferenceRenderer.worstLevels(png.toByteArray(), whole, scale);
    int gridRows = SampleGrid.of(w, h, scale, whole.degradation()).height();
    System.out.printf("strips %dx%d k=%d tile %d x%s: %d chunks, tallest window %d of %d LR rows, worst %d"
        + " level(s) off the float64 reference%n", w, h, k, tile, scaleText, sampler.calls, sampler.tallestWindow, h,
        worst);
    assertTrue(worst <= 1, "worst difference " + worst + " levels");
    long chunkRows = Math.max(1, maxSamples / SampleGrid.of(w, h, scale, whole.degradation()).width());
    assertTrue(sampler.calls >= Math.min(gridRows, (gridRows + chunkRows - 1) / chunkRows),
        "chunks of at most " + maxSamples + " samples");
    if (h > 3 * tile) {
      assertTrue(sampler.tallestWindow < h, "a window is not the whole image");
    }
  }

  @Test
  void aTileReachingPastTheRecordedReachIsAnError() throws IOException {
    GaussianField whole = RandomFields.random(30, 30, 2, 5);
    StripRender render = new StripRender(new CpuBandSampler(), 30, 30, Scale.of(2), 0, 1 << 20,
        new PngRowWriter(new ByteArrayOutputStream(), 60, 60));
    assertThrows(IllegalStateException.class, () -> render.add(new TiledRender.Tile(whole.crop(0, 0, 30, 5), 0, 0)));
  }

  @Test
  void tilesOutOfOrderOrWithGapsAreRefused() throws IOException {
    GaussianField whole = RandomFields.random(10, 10, 1, 5);
    double reach = reach(whole, 5);
    StripRender backwards = new StripRender(new CpuBandSampler(), 10, 10, Scale.of(2), reach, 1 << 20,
        new PngRowWriter(new ByteArrayOutputStream(), 20, 20));
    backwards.add(new TiledRender.Tile(whole.crop(0, 5, 10, 5), 0, 5));
    assertThrows(IllegalArgumentException.class,
        () -> backwards.add(new TiledRender.Tile(whole.crop(0, 0, 10, 5), 0, 0)));

    StripRender gap = new StripRender(new CpuBandSampler(), 10, 10, Scale.of(2), reach, 1 << 20,
        new PngRowWriter(new ByteArrayOutputStream(), 20, 20));
    gap.add(new TiledRender.Tile(whole.crop(0, 0, 5, 5), 0, 0));
    assertThrows(IllegalArgumentException.class, () -> gap.add(new TiledRender.Tile(whole.crop(0, 5, 5, 5), 0, 5)),
        "a row of tiles that stops at half the width");

    StripRender missing = new StripRender(new CpuBandSampler(), 10, 10, Scale.of(2), reach, 1 << 20,
        new PngRowWriter(new ByteArrayOutputStream(), 20, 20));
    missing.add(new TiledRender.Tile(whole.crop(0, 0, 10, 5), 0, 0));
    assertThrows(IllegalStateException.class, missing::finish, "the last row of tiles never came");
  }

  private static double reach(GaussianField whole, int tile) {
    double reach = 0;
    for (int y = 0; y < whole.height(); y += tile) {
      for (int x = 0; x < whole.width(); x += tile) {
        reach = Math.max(reach, whole.crop(x, y, Math.min(tile, whole.width() - x),
            Math.min(tile, whole.height() - y)).reach());
      }
    }
    return reach;
  }

  private static void feed(TileRender render, GaussianField whole, int tile) throws IOException {
    for (int y = 0; y < whole.height(); y += tile) {
      for (int x = 0; x < whole.width(); x += tile) {
        render.add(new TiledRender.Tile(whole.crop(x, y, Math.min(tile, whole.width() - x),
            Math.min(tile, whole.height() - y)), x, y));
      }
    }
  }
}
