package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import org.junit.jupiter.api.Test;

/**
 * A field of a one-pixel checkerboard (all its detail at the LR Nyquist frequency, far above
 * the output's), downscaled to about 1/4, must come out flat: the mean of its scale-1 image.
 * Point sampling the same field must not (it aliases into a coarse pattern).
 */
class AntiAliasTest {
  private static final int SIZE = 66; // not a multiple of 4: samples fall at every phase of the board
  /** Output pixels at the edge left out: Lanczos3 reaches 3 output pixels, and edge windows are cut. */
  private static final int BORDER = 3;
  /** Measured below 5e-6 for Lanczos3 (0.0148 for the Gaussian footprint of the rule before issue 16). */
  private static final double FILTERED_BOUND = 0.002;
  /** Measured 0.105 (point sampling aliases; the board's contrast is 0.4); demand 10x the bound. */
  private static final double UNFILTERED_AT_LEAST = 10 * FILTERED_BOUND;

  @Test
  void downscaleOfCheckerboardIsFlat() {
    GaussianField board = checkerboard();
    Scale scale = Scale.of(0.25);
    double mean = mean(ReferenceRenderer.render(board, 1, 1));

    double filtered = maxInteriorError(new CpuRenderer().render(board, scale), mean);
    double footprint = maxInteriorError(new CpuRenderer(CpuRenderer.Downscale.FOOTPRINT).render(board, scale), mean);
    double unfiltered = maxInteriorError(new CpuRenderer(CpuRenderer.Downscale.POINT).render(board, scale), mean);
    System.out.printf("checkerboard at x0.25: max deviation from its mean %.5f Lanczos3, %.5f Gaussian footprint,"
        + " %.4f point-sampled%n", filtered, footprint, unfiltered);
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

  /** The mean of the interior of a scale-1 image: the board's local mean, away from the edges. */
  private static double mean(double[][][] img) {
    double sum = 0;
    int n = 0;
    for (int v = 4; v < SIZE - 4; v++) {
      for (int u = 4; u < SIZE - 4; u++) {
        sum += img[0][v][u];
        n++;
      }
    }
    return sum / n;
  }

  private static double maxInteriorError(FloatImage img, double mean) {
    double max = 0;
    for (int c = 0; c < 3; c++) {
      for (int v = BORDER; v < img.height() - BORDER; v++) {
        for (int u = BORDER; u < img.width() - BORDER; u++) {
          max = Math.max(max, Math.abs(img.get(c, u, v) - mean));
        }
      }
    }
    return max;
  }
}
