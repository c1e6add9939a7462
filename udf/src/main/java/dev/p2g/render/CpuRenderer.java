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

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import java.awt.image.BufferedImage;

/**
 * The production CPU renderer of the field equation (shared/DESIGN.md, "Rendering"): each
 * Gaussian is splatted over the output pixels inside its e = tau ellipse's bounding box and
 * accumulated in float32 (interleaved, see RenderBand). Sample positions are kept in double so
 * that far-from-origin coordinates of large images lose no precision before the subtraction of
 * the centre.
 */
public final class CpuRenderer implements Renderer {

  private final boolean antiAlias;

  public CpuRenderer() {
    this(true);
  }

  /** antiAlias = false renders downscales by point sampling; only for showing why the filter exists. */
  public CpuRenderer(boolean antiAlias) {
    this.antiAlias = antiAlias;
  }

  @Override
  public String device() {
    return "cpu";
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

  private RenderBand renderWhole(GaussianField field, Scale scale) {
    RenderBand whole = new RenderBand(scale.outputWidth(field.width()), 0, scale.outputHeight(field.height()));
    splat(field, 0, 0, field.width(), field.height(), scale, whole);
    return whole;
  }

  /**
   * Adds the Gaussians of a tile's field, whose rectangle starts at (originX, originY) in an LR
   * image of lrWidth x lrHeight, to the band of that image's rendering at scale. Returns how many
   * Gaussians reach outside the band (above it: rows already written; below it: rows it cannot
   * hold). Those contributions are lost, so a caller that streams bands treats a non-zero count
   * as an error; with the band sized by the tiles' reach it is zero.
   */
  public long splat(GaussianField field, int originX, int originY, int lrWidth, int lrHeight, Scale scale,
      RenderBand band) {
    int outW = scale.outputWidth(lrWidth);
    int outH = scale.outputHeight(lrHeight);
    if (band.width() != outW) {
      throw new IllegalArgumentException("band is " + band.width() + " wide, the output " + outW);
    }
    double rx = (double) outW / lrWidth;
    double ry = (double) outH / lrHeight;
    // Footprint variance in LR pixels per axis; zero on axes that are not downscaled.
    double padX = antiAlias && rx < 1 ? sq(ANTI_ALIAS_RHO / rx) : 0;
    double padY = antiAlias && ry < 1 ? sq(ANTI_ALIAS_RHO / ry) : 0;
    double[] sampleX = new double[outW]; // output pixel u samples the field at (u + 0.5) / s
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
    int gridW = field.gridWidth();
    double invK = 1.0 / field.k();
    for (int i = 0; i < n; i++) {
      double l11 = p[L11 * n + i];
      double l21 = p[L21 * n + i];
      double l22 = p[L22 * n + i];
      double cholDet = l11 * l22;
      if (Math.abs(cholDet) < MIN_CHOLESKY_DET) {
        continue;
      }
      double sxx = l11 * l11 + padX;
      double sxy = l11 * l21;
      double syy = l21 * l21 + l22 * l22 + padY;
      double det = sxx * syy - sxy * sxy;
      // Convolving with the footprint keeps each Gaussian's integral: c' = c sqrt(det S / det S').
      double gain = padX == 0 && padY == 0 ? 1.0 : Math.abs(cholDet) / Math.sqrt(det);
      float cr = (float) (p[R * n + i] * gain);
      float cg = (float) (p[G * n + i] * gain);
      float cb = (float) (p[B * n + i] * gain);
      double invDet = 1 / det;
      double ia = syy * invDet;
      double ib = -2 * sxy * invDet;
      double ic = sxx * invDet;
      int b = i / gridW;
      double mx = originX + (i - b * gridW + 0.5) * invK + p[DX * n + i];
      double my = originY + (b + 0.5) * invK + p[DY * n + i];
      // The e = tau contour is the ellipse q = Q_CUTOFF; its bounding box half-widths:
      double hx = Math.sqrt(Q_CUTOFF * sxx);
      double hy = Math.sqrt(Q_CUTOFF * syy);
      int u0 = Math.max(0, (int) Math.ceil((mx - hx) * rx - 0.5));
      int u1 = Math.min(outW - 1, (int) Math.floor((mx + hx) * rx - 0.5));
      int v0 = Math.max(0, (int) Math.ceil((my - hy) * ry - 0.5));
      int v1 = Math.min(outH - 1, (int) Math.floor((my + hy) * ry - 0.5));
      if (v0 <= v1 && u0 <= u1 && (v0 < top || v1 > bottom)) {
        outside++;
      }
      v0 = Math.max(v0, top);
      v1 = Math.min(v1, bottom);
      for (int v = v0; v <= v1; v++) {
        double dy = sampleY[v - top] - my;
        double qy = ic * dy * dy;
        double qxy = ib * dy;
        int row = (v - top) * outW * 3;
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
    return outside;
  }

  private static double sq(double v) {
    return v * v;
  }
}
