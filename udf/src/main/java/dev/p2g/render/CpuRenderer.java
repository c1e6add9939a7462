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
import static dev.p2g.field.FieldContract.TAU;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;

/**
 * The production CPU renderer of the field equation (shared/DESIGN.md, "Rendering"): each
 * Gaussian is splatted over the output pixels inside its e = tau ellipse's bounding box and
 * accumulated in float32. Sample positions are kept in double so that far-from-origin
 * coordinates of large images lose no precision before the subtraction of the centre.
 */
public final class CpuRenderer implements Renderer {
  private static final float WEIGHT_SCALE = (float) (1.0 / (1.0 - TAU));
  private static final float TAU_F = (float) TAU;

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
    int outW = scale.outputWidth(field.width());
    int outH = scale.outputHeight(field.height());
    double rx = (double) outW / field.width();
    double ry = (double) outH / field.height();
    double[] sampleX = samplePositions(outW, rx);
    double[] sampleY = samplePositions(outH, ry);
    // Footprint variance in LR pixels per axis; zero on axes that are not downscaled.
    double padX = antiAlias && rx < 1 ? sq(ANTI_ALIAS_RHO / rx) : 0;
    double padY = antiAlias && ry < 1 ? sq(ANTI_ALIAS_RHO / ry) : 0;

    FloatImage out = FloatImage.blank(outW, outH);
    float[] acc = out.data();
    int plane = outW * outH;
    float[] p = field.params();
    int n = field.count();
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
      double ia = syy / det;
      double ib = -2 * sxy / det;
      double ic = sxx / det;
      double mx = field.anchorX(i) + p[DX * n + i];
      double my = field.anchorY(i) + p[DY * n + i];
      // The e = tau contour is the ellipse q = Q_CUTOFF; its bounding box half-widths:
      double hx = Math.sqrt(Q_CUTOFF * sxx);
      double hy = Math.sqrt(Q_CUTOFF * syy);
      int u0 = Math.max(0, (int) Math.ceil((mx - hx) * rx - 0.5));
      int u1 = Math.min(outW - 1, (int) Math.floor((mx + hx) * rx - 0.5));
      int v0 = Math.max(0, (int) Math.ceil((my - hy) * ry - 0.5));
      int v1 = Math.min(outH - 1, (int) Math.floor((my + hy) * ry - 0.5));
      for (int v = v0; v <= v1; v++) {
        double dy = sampleY[v] - my;
        double qy = ic * dy * dy;
        double qxy = ib * dy;
        int row = v * outW;
        for (int u = u0; u <= u1; u++) {
          double dx = sampleX[u] - mx;
          double q = ia * dx * dx + qxy * dx + qy;
          if (q < Q_CUTOFF) {
            float w = ((float) Math.exp(-0.5 * q) - TAU_F) * WEIGHT_SCALE;
            if (w > 0) {
              int o = row + u;
              acc[o] += cr * w;
              acc[plane + o] += cg * w;
              acc[2 * plane + o] += cb * w;
            }
          }
        }
      }
    }
    for (int o = 0; o < acc.length; o++) {
      acc[o] = Math.min(1f, Math.max(0f, acc[o]));
    }
    return out;
  }

  /** Output pixel u samples the field at (u + 0.5) / s, in LR pixels. */
  private static double[] samplePositions(int size, double s) {
    double[] pos = new double[size];
    for (int u = 0; u < size; u++) {
      pos[u] = (u + 0.5) / s;
    }
    return pos;
  }

  private static double sq(double v) {
    return v * v;
  }
}
