package dev.p2g.field;

/**
 * Numbers fixed by the field contract, version 1 (shared/DESIGN.md, "The Gaussian field").
 * Every renderer and the model tooling take them from here (Java) or restate them with a
 * pointer to DESIGN.md (CUDA, PyTorch).
 */
public final class FieldContract {
  public static final int VERSION = 1;

  /** Parameters per Gaussian, stored as planes in this order. */
  public static final int PARAMS = 8;

  public static final int DX = 0;
  public static final int DY = 1;
  public static final int L11 = 2;
  public static final int L21 = 3;
  public static final int L22 = 4;
  public static final int R = 5;
  public static final int G = 6;
  public static final int B = 7;

  /** Weight cut: a Gaussian fades to exactly 0 where exp(-q/2) = TAU. */
  public static final double TAU = 1.0 / 255.0;

  /** The Mahalanobis q = d' inv(Sigma) d at which the weight reaches 0: q = 2 ln 255. */
  public static final double Q_CUTOFF = 2.0 * Math.log(255.0);

  /**
   * Half-width, on an axis where a Gaussian's variance is variance, of the box around its centre
   * outside which its weight is 0 (the e = TAU ellipse's bounding box): the one definition of a
   * Gaussian's reach that renderers and GaussianField.reach use (p2g_box_half_width in the CUDA
   * header).
   */
  public static double boxHalfWidth(double variance) {
    return Math.sqrt(Q_CUTOFF * variance);
  }

  /**
   * How much wider than a library's Lanczos3 the kernel that reduces levels below scale 1 is
   * (docs/design.md, "Downscales"): its cut-off sits at 1/1.05 of the output's Nyquist frequency.
   * The field's scale-1 samples differ from the source by the model's error; on a zone plate that
   * error left 0.6 to 1.1 dB more energy above the output's Nyquist than Lanczos3 of the source
   * leaves, and 1.05 turns it into 0.9 to 1.4 dB less, for 2.5 to 4 % of high-frequency energy
   * (docs/benchmarks.md, issue 16).
   */
  public static final double REDUCTION_STRETCH = 1.05;

  /**
   * Standard deviation, in output pixels, of the Gaussian footprint that downscales were convolved
   * with before issue 16 (CpuRenderer.Downscale.FOOTPRINT, kept for comparisons only): it removes
   * aliasing but keeps only about two thirds of the detail of a Lanczos3 downscale.
   */
  public static final double ANTI_ALIAS_RHO = 0.5;

  /**
   * |l11 * l22| below this is a degenerate Gaussian (zero area): it contributes nothing. All
   * renderers and the reference apply the same rule, so a model emitting one cannot make them
   * disagree.
   */
  public static final double MIN_CHOLESKY_DET = 1e-12;

  private FieldContract() {}
}
