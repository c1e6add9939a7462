package dev.p2g.render;

import dev.p2g.field.FieldContract;
import dev.p2g.field.GaussianField;
import java.util.Random;

/** Random but plausible fields for tests: offsets, anisotropic covariances, colours that overshoot. */
public final class RandomFields {
  private RandomFields() {}

  public static GaussianField random(int width, int height, int k, long seed) {
    Random rnd = new Random(seed);
    GaussianField f = GaussianField.zeros(width, height, k);
    double maxOffset = 1.0 / k;
    for (int i = 0; i < f.count(); i++) {
      f.set(FieldContract.DX, i, (float) ((rnd.nextDouble() * 2 - 1) * maxOffset));
      f.set(FieldContract.DY, i, (float) ((rnd.nextDouble() * 2 - 1) * maxOffset));
      // Diagonal in [0.15, 1.2] / k LR pixels, off-diagonal of either sign: elongated and rotated.
      f.set(FieldContract.L11, i, (float) ((0.15 + rnd.nextDouble() * 1.05) / k));
      f.set(FieldContract.L21, i, (float) ((rnd.nextDouble() * 2 - 1) * 0.8 / k));
      f.set(FieldContract.L22, i, (float) ((0.15 + rnd.nextDouble() * 1.05) / k));
      for (int c = FieldContract.R; c <= FieldContract.B; c++) {
        // A Gaussian here covers about 3 LR pixels of mass: these colours keep most sums in (0, 1).
        f.set(c, i, (float) (rnd.nextDouble() * 0.4 - 0.05) / (k * k));
      }
    }
    return f;
  }
}
