package dev.p2g.render;

import static dev.p2g.field.FieldContract.Q_CUTOFF;
import static dev.p2g.field.FieldContract.TAU;

/**
 * The field equation's weight w(q) = (exp(-q/2) - TAU) / (1 - TAU) for q in [0, Q_CUTOFF), by
 * linear interpolation in a table: Math.exp was most of the CPU renderer's time. With 4096
 * steps the interpolation error is below |w''| h^2 / 8 = 0.26 * (Q_CUTOFF / 4096)^2 / 8, about
 * 2.4e-7 per Gaussian, far inside the renderers' 1e-4 tolerance against the float64 reference.
 */
final class GaussianWeights {
  static final int STEPS = 4096;
  /** Table index per unit of q. */
  static final double PER_Q = STEPS / Q_CUTOFF;

  private static final float[] VALUE = new float[STEPS + 1];
  private static final float[] SLOPE = new float[STEPS + 1];

  static {
    for (int i = 0; i <= STEPS; i++) {
      VALUE[i] = (float) Math.max(0, (Math.exp(-0.5 * i / PER_Q) - TAU) / (1 - TAU));
    }
    for (int i = 0; i < STEPS; i++) {
      SLOPE[i] = VALUE[i + 1] - VALUE[i];
    }
  }

  private GaussianWeights() {}

  /** w(q) for 0 <= q < Q_CUTOFF. */
  static float at(double q) {
    double x = q * PER_Q;
    int i = (int) x;
    return VALUE[i] + SLOPE[i] * (float) (x - i);
  }
}
