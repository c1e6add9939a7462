package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import org.junit.jupiter.api.Test;

/**
 * A field of a one-pixel checkerboard, downscaled to about 1/4, must come out close to the
 * field's own area average over each output pixel (a flat grey); point sampling the same field
 * without the footprint filter must not (it aliases into a coarse pattern).
 */
class AntiAliasTest {
  private static final int SIZE = 66; // not a multiple of 4: samples fall at every phase of the board
  private static final int SUPERSAMPLE = 8;
  /** Measured 0.0011 (Gaussian footprint vs box average of a 3.9-pixel footprint); 4.5x margin. */
  private static final double FILTERED_BOUND = 0.005;
  /** Measured 0.120 (point sampling aliases; the board's contrast is 0.4); demand 10x the bound. */
  private static final double UNFILTERED_AT_LEAST = 10 * FILTERED_BOUND;

  @Test
  void downscaleOfCheckerboardIsItsAreaAverage() {
    GaussianField board = checkerboard();
    Scale scale = Scale.of(0.25);
    double[][][] area = areaAverage(board, scale);

    double filtered = maxInteriorError(new CpuRenderer(true).render(board, scale), area);
    double unfiltered = maxInteriorError(new CpuRenderer(false).render(board, scale), area);
    System.out.printf("checkerboard at x0.25: max error vs area average %.4f filtered, %.4f point-sampled%n",
        filtered, unfiltered);
    assertTrue(filtered <= FILTERED_BOUND, "anti-aliased error " + filtered);
    assertTrue(unfiltered >= UNFILTERED_AT_LEAST, "point-sampled error only " + unfiltered);
  }

  /** Colours 0.1 / 0.5 keep every sum inside [0, 1], so the clamp plays no part. */
  private static GaussianField checkerboard() {
    GaussianField f = GaussianField.zeros(SIZE, SIZE, 1);
    for (int i = 0; i < f.count(); i++) {
      int x = i % SIZE;
      int y = i / SIZE;
      float c = ((x + y) & 1) == 0 ? 0.5f : 0.1f;
      f.set(FieldContract.L11, i, 0.5f);
      f.set(FieldContract.L22, i, 0.5f);
      for (int ch = FieldContract.R; ch <= FieldContract.B; ch++) {
        f.set(ch, i, c);
      }
    }
    return f;
  }

  /** Box average of the un-filtered field over each output pixel, by float64 supersampling. */
  private static double[][][] areaAverage(GaussianField f, Scale scale) {
    int outW = scale.outputWidth(f.width());
    int outH = scale.outputHeight(f.height());
    double fineX = (double) outW * SUPERSAMPLE / f.width();
    double fineY = (double) outH * SUPERSAMPLE / f.height();
    double[][][] fine = ReferenceRenderer.render(f, fineX, fineY);
    double[][][] avg = new double[3][outH][outW];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < outH * SUPERSAMPLE; v++) {
        for (int u = 0; u < outW * SUPERSAMPLE; u++) {
          avg[c][v / SUPERSAMPLE][u / SUPERSAMPLE] += fine[c][v][u] / (SUPERSAMPLE * SUPERSAMPLE);
        }
      }
    }
    return avg;
  }

  /** The outermost output pixels are left out: their filtered footprint reaches past the image edge. */
  private static double maxInteriorError(FloatImage img, double[][][] area) {
    double max = 0;
    for (int c = 0; c < 3; c++) {
      for (int v = 1; v < img.height() - 1; v++) {
        for (int u = 1; u < img.width() - 1; u++) {
          max = Math.max(max, Math.abs(img.get(c, u, v) - area[c][v][u]));
        }
      }
    }
    return max;
  }
}
