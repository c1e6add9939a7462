package dev.p2g.render;

import static dev.p2g.field.FieldContract.ANTI_ALIAS_RHO;
import static dev.p2g.field.FieldContract.B;
import static dev.p2g.field.FieldContract.DX;
import static dev.p2g.field.FieldContract.DY;
import static dev.p2g.field.FieldContract.G;
import static dev.p2g.field.FieldContract.L11;
import static dev.p2g.field.FieldContract.L21;
import static dev.p2g.field.FieldContract.L22;
import static dev.p2g.field.FieldContract.MIN_CHOLESKY_DET;
import static dev.p2g.field.FieldContract.Q_CUTOFF;
import static dev.p2g.field.FieldContract.R;

import dev.p2g.field.Degradation;
import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import java.awt.image.BufferedImage;

/**
 * The production CPU renderer of the field equation (docs/design.md, "Rendering"): each
 * Gaussian is splatted over the samples (SampleGrid: the output pixels, or the LR pixel centres
 * of a reduced axis, or factor times as many for a field with a degradation) inside its e = tau
 * ellipse's bounding box and accumulated in float32 (interleaved, see RenderBand); a reduced
 * level is then resized to its output (RowResampler). Sample positions are kept in double so that far-from-origin coordinates of
 * large images lose no precision before the subtraction of the centre.
 */
public final class CpuRenderer implements Renderer {

  /** How levels below scale 1 are made: LANCZOS3 is the field equation, the others are for comparisons. */
  public enum Downscale {
    /** The field equation (docs/design.md, "Downscales"): scale-1 samples reduced by Lanczos3. */
    LANCZOS3,
    /**
     * The rule of the field equation before issue 16: each Gaussian convolved with a Gaussian
     * footprint of ANTI_ALIAS_RHO output pixels. Kept so benchmarks can show the difference.
     */
    FOOTPRINT,
    /** No filter: the field point-sampled at output pixel centres, which aliases. */
    POINT
  }

  private final Downscale downscale;

  public CpuRenderer() {
    this(Downscale.LANCZOS3);
  }

  public CpuRenderer(Downscale downscale) {
    this.downscale = downscale;
  }

  @Override
  public Device device() {
    return Device.CPU;
  }

  @Override
  public FloatImage render(GaussianField field, Scale scale) {
    return renderWhole(field, scale).toImage();
  }

  /** Straight from the accumulators to 8 bits: no planar float copy of the output. */
  @Override
  public BufferedImage renderRgb8(GaussianField field, Scale scale) {
    return renderWhole(field, scale).toRgb8();
  }

  /** The sample grid this renderer evaluates for a level of an LR image whose field has no degradation. */
  public SampleGrid grid(int lrWidth, int lrHeight, Scale scale) {
    return grid(lrWidth, lrHeight, scale, null);
  }

  /** The sample grid this renderer evaluates for a level of an LR image whose field has that degradation. */
  public SampleGrid grid(int lrWidth, int lrHeight, Scale scale, Degradation degradation) {
    return downscale == Downscale.LANCZOS3
        ? SampleGrid.of(lrWidth, lrHeight, scale, degradation)
        : SampleGrid.direct(lrWidth, lrHeight, scale);
  }

  /** FOOTPRINT's standard deviation in LR pixels on an axis sampled at ratio r; 0 for the other rules. */
  double footprintSigma(double r) {
    return downscale == Downscale.FOOTPRINT && r < 1 ? ANTI_ALIAS_RHO / r : 0;
  }

  private RenderBand renderWhole(GaussianField field, Scale scale) {
    SampleGrid grid = grid(field.width(), field.height(), scale, field.degradation());
    RenderBand samples = new RenderBand(grid.width(), 0, grid.height());
    splat(field, 0, 0, field.width(), field.height(), grid, samples);
    if (!grid.reduces()) {
      return samples;
    }
    RenderBand out = new RenderBand(grid.outWidth(), 0, grid.outHeight());
    RowResampler reducer = grid.reducer(out::setRow);
    float[] data = samples.data();
    for (int j = 0, row = 3 * grid.width(); j < grid.height(); j++) {
      reducer.push(data, j * row);
    }
    return out;
  }

  /**
   * Adds the Gaussians of a tile's field, whose rectangle starts at (originX, originY) in an LR
   * image of lrWidth x lrHeight, to the band of that image's samples on grid (see grid()).
   * Returns how many Gaussians reach outside the band (above it: rows already written; below it:
   * rows it cannot hold). Those contributions are lost, so a caller that streams bands treats a
   * non-zero count as an error; with the band sized by the tiles' reach it is zero.
   */
  public long splat(GaussianField field, int originX, int originY, int lrWidth, int lrHeight, SampleGrid grid,
      RenderBand band) {
    int outW = grid.width();
    int outH = grid.height();
    if (band.width() != outW) {
      throw new IllegalArgumentException("band is " + band.width() + " wide, the sample grid " + outW);
    }
    double rx = (double) outW / lrWidth;
    double ry = (double) outH / lrHeight;
    // FOOTPRINT's variance in LR pixels per axis; zero on axes that are not downscaled.
    double padX = sq(footprintSigma(rx));
    double padY = sq(footprintSigma(ry));
    double[] sampleX = new double[outW]; // sample u is the field at (u + 0.5) / s
    for (int u = 0; u < outW; u++) {
      sampleX[u] = (u + 0.5) / rx;
    }
    int top = band.firstRow();
    int bottom = Math.min(outH, top + band.rows()) - 1;
    double[] sampleY = new double[Math.max(0, bottom - top + 1)]; // row top + j samples (top + j + 0.5) / s
    for (int j = 0; j < sampleY.length; j++) {
      sampleY[j] = (top + j + 0.5) / ry;
    }
    float[] acc = band.data();
    float[] p = field.params();
    int n = field.count();
    long outside = 0;
    Splat g = new Splat(field, originX, originY, padX, padY);
    for (int i = 0; i < n; i++) {
      if (!g.prepare(p, n, i)) {
        continue;
      }
      // the samples inside the Gaussian's e = tau box
      int u0 = Math.max(0, (int) Math.ceil((g.mx - g.hx) * rx - 0.5));
      int u1 = Math.min(outW - 1, (int) Math.floor((g.mx + g.hx) * rx - 0.5));
      int v0 = Math.max(0, (int) Math.ceil((g.my - g.hy) * ry - 0.5));
      int v1 = Math.min(outH - 1, (int) Math.floor((g.my + g.hy) * ry - 0.5));
      if (v0 <= v1 && u0 <= u1 && (v0 < top || v1 > bottom)) {
        outside++;
      }
      g.accumulate(acc, outW, top, sampleX, sampleY, u0, u1, Math.max(v0, top), Math.min(v1, bottom));
    }
    return outside;
  }

  /**
   * One Gaussian of a field on its way into a band, in the named steps of p2g_field.h: prepare
   * (inverse covariance, colour, centre, e = tau box) and accumulate (its weight at every sample
   * of the box, into the band). Reused from one Gaussian to the next: no allocation per Gaussian.
   */
  private static final class Splat {
    private final int gridW;
    private final double invK;
    private final double originX;
    private final double originY;
    private final double padX;
    private final double padY;
    double mx;
    double my;
    double hx;
    double hy;
    private double ia;
    private double ib;
    private double ic;
    private float cr;
    private float cg;
    private float cb;

    Splat(GaussianField field, int originX, int originY, double padX, double padY) {
      this.gridW = field.gridWidth();
      this.invK = 1.0 / field.k();
      this.originX = originX;
      this.originY = originY;
      this.padX = padX;
      this.padY = padY;
    }

    /** Gaussian i of the field's n; false when it is degenerate (it adds nothing). */
    boolean prepare(float[] p, int n, int i) {
      double l11 = p[L11 * n + i];
      double l21 = p[L21 * n + i];
      double l22 = p[L22 * n + i];
      double cholDet = l11 * l22;
      if (Math.abs(cholDet) < MIN_CHOLESKY_DET) {
        return false;
      }
      double sxx = l11 * l11 + padX;
      double sxy = l11 * l21;
      double syy = l21 * l21 + l22 * l22 + padY;
      double det = sxx * syy - sxy * sxy;
      // Convolving with FOOTPRINT's Gaussian keeps each Gaussian's integral: c' = c sqrt(det S / det S').
      double gain = padX == 0 && padY == 0 ? 1.0 : Math.abs(cholDet) / Math.sqrt(det);
      cr = (float) (p[R * n + i] * gain);
      cg = (float) (p[G * n + i] * gain);
      cb = (float) (p[B * n + i] * gain);
      double invDet = 1 / det;
      ia = syy * invDet;
      ib = -2 * sxy * invDet;
      ic = sxx * invDet;
      int b = i / gridW;
      mx = originX + (i - b * gridW + 0.5) * invK + p[DX * n + i];
      my = originY + (b + 0.5) * invK + p[DY * n + i];
      hx = FieldContract.boxHalfWidth(sxx);
      hy = FieldContract.boxHalfWidth(syy);
      return true;
    }

    /** Adds the prepared Gaussian at samples [u0, u1] x [v0, v1] (rows absolute) of a band starting at top. */
    void accumulate(float[] acc, int width, int top, double[] sampleX, double[] sampleY, int u0, int u1, int v0,
        int v1) {
      for (int v = v0; v <= v1; v++) {
        double dy = sampleY[v - top] - my;
        double qy = ic * dy * dy;
        double qxy = ib * dy;
        int row = (v - top) * width * 3;
        for (int u = u0; u <= u1; u++) {
          double dx = sampleX[u] - mx;
          double q = ia * dx * dx + qxy * dx + qy;
          if (q < Q_CUTOFF) {
            // No test of w > 0: between non-negative table entries w is at worst a rounding below
            // zero, and adding that costs less than a branch.
            float w = GaussianWeights.at(q);
            int o = row + 3 * u;
            acc[o] += cr * w;
            acc[o + 1] += cg * w;
            acc[o + 2] += cb * w;
          }
        }
      }
    }
  }

  private static double sq(double v) {
    return v * v;
  }
}
