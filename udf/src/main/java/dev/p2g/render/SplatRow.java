package dev.p2g.render;

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

import dev.p2g.field.FieldContract;
import dev.p2g.field.GaussianField;
import java.util.Arrays;

/**
 * One row of anchors of a field on its way into a band of samples (CpuRenderer.splat), in the
 * named steps of p2g_field.h: prepare (inverse covariance, colour, centre, e = tau box, for the
 * whole row first: its Gaussians are independent work the CPU overlaps, where one Gaussian at a
 * time waited on its own exponentials) and accumulate (each Gaussian's weight at every sample of
 * its box, into the band). Arrays of one anchor row, reused from row to row.
 *
 * <p>The weights come by recurrence, not an exponential a sample: q is quadratic in the sample
 * indices, so e = exp(-q/2) at the next sample of a row is e times a ratio that itself changes by
 * a constant factor a step; the same holds down the box's first column and for a row's first
 * ratio from one row to the next. Six exponentials a Gaussian, two multiplications a sample, in
 * double (a box's products lose about 1e-14). A Gaussian for which the products would leave
 * double's range (recurrenceIsExact) takes its weights from GaussianWeights' table instead.
 *
 * <p>Longer than 300 lines because both ways of weighing read the same prepared arrays: apart,
 * each would take a dozen of them as arguments.
 */
final class SplatRow {
  /**
   * The recurrence's limits: with |rho| <= 0.98 the box's corners are at q <= 2 Q_CUTOFF /
   * (1 - |rho|) = 1108, so e stays above 1e-240; with q changing by at most 100 over a sample
   * step, no ratio leaves double's range.
   */
  static final double MAX_RECURRENCE_CORRELATION = 0.98;
  static final double MAX_RECURRENCE_STEP_Q = 100;
  private static final double HALF_WEIGHT_SCALE = 0.5 / (1 - TAU);
  private static final double SQRT_Q_CUTOFF = Math.sqrt(Q_CUTOFF);
  private static final int SHAPE = 5;

  private final float[] p;
  private final int n;
  private final int gridW;
  private final double invK;
  private final double originX;
  private final double originY;
  private final double padX;
  private final double padY;
  private final double rx;
  private final double ry;
  private final double sx;
  private final double sy;
  private final int outH;
  /** The band's first sample column in the grid, and how many columns it has. */
  private final int left;
  private final int bandW;
  private final double[] sampleX;
  private final double[] sampleY;
  private final int top;
  private final int bottom;

  private int count;
  /** Per prepared Gaussian g: centre and inverse covariance at SHAPE * g (mx, my, ia, ib, ic). */
  private final double[] shape;
  /** Colour at 3 * g; box at 4 * g (u0, u1, v0, v1: samples, rows absolute, clipped to the band). */
  private final float[] colour;
  private final int[] box;
  private final boolean[] byTable;
  /**
   * The recurrence's six numbers at 6 * g: e at the box's first sample, its ratio along the row
   * and down the column there, and the three factors by which the ratios change a step.
   */
  private final double[] exps;

  /**
   * field's anchors start at (originX, originY) in the LR image; samples on grid, the band's
   * column u being grid column left + u at sampleX[u] LR pixels and its row top + j at
   * sampleY[j]; padX, padY: FOOTPRINT's variances.
   */
  SplatRow(GaussianField field, int originX, int originY, double padX, double padY, SampleGrid grid, int left,
      double[] sampleX, double[] sampleY, int top) {
    this.p = field.params();
    this.n = field.count();
    this.gridW = field.gridWidth();
    this.invK = 1.0 / field.k();
    this.originX = originX;
    this.originY = originY;
    this.padX = padX;
    this.padY = padY;
    this.outH = grid.height();
    this.left = left;
    this.bandW = sampleX.length;
    this.rx = (double) grid.width() / grid.lrWidth();
    this.ry = (double) outH / grid.lrHeight();
    this.sx = 1 / rx;
    this.sy = 1 / ry;
    this.sampleX = sampleX;
    this.sampleY = sampleY;
    this.top = top;
    this.bottom = top + sampleY.length - 1;
    shape = new double[SHAPE * gridW];
    colour = new float[3 * gridW];
    box = new int[4 * gridW];
    byTable = new boolean[gridW];
    exps = new double[6 * gridW];
  }

  /**
   * Prepares the anchor row whose first Gaussian is first (a multiple of the grid width): the
   * Gaussians that reach the band, clipped to it. Returns how many reach rows outside the band.
   */
  long prepare(int first) {
    // Longer than 60 lines because it is one loop on purpose: with the kept Gaussians' part in a
    // method of its own (11 arguments, too large for the JIT to inline), preparing took 33 ms of
    // a 512 x 512 field instead of 27 (docs/benchmarks.md, issue 33).
    long outside = 0;
    count = 0;
    double y0 = originY + (first / gridW + 0.5) * invK;
    for (int i = first; i < first + gridW; i++) {
      double l11 = p[L11 * n + i];
      double l21 = p[L21 * n + i];
      double l22 = p[L22 * n + i];
      double cholDet = l11 * l22;
      if (Math.abs(cholDet) < MIN_CHOLESKY_DET) {
        continue; // degenerate: it adds nothing
      }
      double sxx = l11 * l11 + padX;
      double sxy = l11 * l21;
      double syy = l21 * l21 + l22 * l22 + padY;
      double x = originX + (i - first + 0.5) * invK + p[DX * n + i];
      double y = y0 + p[DY * n + i];
      // FieldContract.boxHalfWidth(sxx), its square root taken out where there is no padding
      double hx = padX == 0 ? SQRT_Q_CUTOFF * Math.abs(l11) : FieldContract.boxHalfWidth(sxx);
      double hy = FieldContract.boxHalfWidth(syy);
      int a0 = Math.max(0, (int) Math.ceil((x - hx) * rx - 0.5) - left); // band columns from here on
      int a1 = Math.min(bandW - 1, (int) Math.floor((x + hx) * rx - 0.5) - left);
      int b0 = Math.max(0, (int) Math.ceil((y - hy) * ry - 0.5));
      int b1 = Math.min(outH - 1, (int) Math.floor((y + hy) * ry - 0.5));
      if (a0 > a1 || b0 > b1) {
        continue;
      }
      if (b0 < top || b1 > bottom) {
        outside++;
        b0 = Math.max(b0, top);
        b1 = Math.min(b1, bottom);
        if (b0 > b1) {
          continue;
        }
      }
      // kept: from here on what accumulate reads, and the recurrence's arguments
      double det = sxx * syy - sxy * sxy;
      // Convolving with FOOTPRINT's Gaussian keeps each Gaussian's integral: c' = c sqrt(det S / det S').
      double gain = padX == 0 && padY == 0 ? 1.0 : Math.abs(cholDet) / Math.sqrt(det);
      int g = count++;
      colour[3 * g] = (float) (p[R * n + i] * gain);
      colour[3 * g + 1] = (float) (p[G * n + i] * gain);
      colour[3 * g + 2] = (float) (p[B * n + i] * gain);
      double invDet = 1 / det;
      double a = syy * invDet;
      double b = -2 * sxy * invDet;
      double c = sxx * invDet;
      int s5 = SHAPE * g;
      shape[s5] = x;
      shape[s5 + 1] = y;
      shape[s5 + 2] = a;
      shape[s5 + 3] = b;
      shape[s5 + 4] = c;
      box[4 * g] = a0;
      box[4 * g + 1] = a1;
      box[4 * g + 2] = b0;
      box[4 * g + 3] = b1;
      boolean exact = recurrenceIsExact(sxx, sxy, syy, sx, sy);
      byTable[g] = !exact;
      int x6 = 6 * g;
      if (!exact) {
        Arrays.fill(exps, x6, x6 + 6, 0); // exponentials of nothing, not read
        continue;
      }
      double dx = sampleX[a0] - x;
      double dy = sampleY[b0 - top] - y;
      exps[x6] = -0.5 * ((a * dx + b * dy) * dx + c * dy * dy);
      exps[x6 + 1] = -0.5 * (a * (2 * dx + sx) * sx + b * sx * dy);
      exps[x6 + 2] = -0.5 * (c * (2 * dy + sy) * sy + b * dx * sy);
      exps[x6 + 3] = -a * sx * sx;
      exps[x6 + 4] = -c * sy * sy;
      exps[x6 + 5] = -0.5 * b * sx * sy;
    }
    // apart from the geometry: a loop of nothing but exponentials keeps the FPU busy
    for (int i = 0, end = 6 * count; i < end; i++) {
      exps[i] = FastExp.exp(exps[i]);
    }
    return outside;
  }

  /**
   * Whether the recurrence keeps its precision for a Gaussian of covariance (sxx, sxy; sxy, syy)
   * on samples sx, sy apart: MAX_RECURRENCE_CORRELATION and MAX_RECURRENCE_STEP_Q (q over a
   * step on either axis is at most its inverse covariance's diagonal or cross term times the
   * steps, which the three last tests bound). False for NaN.
   */
  static boolean recurrenceIsExact(double sxx, double sxy, double syy, double sx, double sy) {
    double det = sxx * syy - sxy * sxy;
    return sxy * sxy <= MAX_RECURRENCE_CORRELATION * MAX_RECURRENCE_CORRELATION * sxx * syy
        && syy * sx * sx <= MAX_RECURRENCE_STEP_Q * det && sxx * sy * sy <= MAX_RECURRENCE_STEP_Q * det
        && 2 * Math.abs(sxy) * sx * sy <= MAX_RECURRENCE_STEP_Q * det;
  }

  /** Adds the prepared Gaussians into the band's accumulators (RenderBand.data()). */
  void accumulate(float[] acc) {
    int stride = bandW * 3;
    for (int g = 0; g < count; g++) {
      if (byTable[g]) {
        accumulateByTable(acc, stride, g);
      } else {
        accumulateByRecurrence(acc, stride, g);
      }
    }
  }

  private void accumulateByRecurrence(float[] acc, int stride, int g) {
    int a0 = box[4 * g];
    int a1 = box[4 * g + 1];
    int b1 = box[4 * g + 3];
    // the weight's scale goes into the colours: weight() leaves it out
    float red = (float) (colour[3 * g] * HALF_WEIGHT_SCALE);
    float green = (float) (colour[3 * g + 1] * HALF_WEIGHT_SCALE);
    float blue = (float) (colour[3 * g + 2] * HALF_WEIGHT_SCALE);
    double rowStart = exps[6 * g + 0];
    double ratio = exps[6 * g + 1];
    double down = exps[6 * g + 2];
    double fu = exps[6 * g + 3];
    double fv = exps[6 * g + 4];
    double fuv = exps[6 * g + 5];
    // two rows at a time: their products are independent chains, so one hides the other's latency
    int v = box[4 * g + 2];
    for (; v < b1; v += 2) {
      int row = (v - top) * stride;
      int next = row + stride;
      double e = rowStart;
      double r = ratio;
      double e2 = rowStart * down;
      double r2 = ratio * fuv;
      for (int u = a0; u <= a1; u++) {
        float w = weight(e);
        float w2 = weight(e2);
        int o = row + 3 * u;
        acc[o] = Math.fma(red, w, acc[o]);
        acc[o + 1] = Math.fma(green, w, acc[o + 1]);
        acc[o + 2] = Math.fma(blue, w, acc[o + 2]);
        int o2 = next + 3 * u;
        acc[o2] = Math.fma(red, w2, acc[o2]);
        acc[o2 + 1] = Math.fma(green, w2, acc[o2 + 1]);
        acc[o2 + 2] = Math.fma(blue, w2, acc[o2 + 2]);
        e *= r;
        r *= fu;
        e2 *= r2;
        r2 *= fu;
      }
      rowStart *= down * down * fv;
      down *= fv * fv;
      ratio *= fuv * fuv;
    }
    if (v == b1) {
      int row = (v - top) * stride;
      double e = rowStart;
      double r = ratio;
      for (int u = a0; u <= a1; u++) {
        float w = weight(e);
        int o = row + 3 * u;
        acc[o] = Math.fma(red, w, acc[o]);
        acc[o + 1] = Math.fma(green, w, acc[o + 1]);
        acc[o + 2] = Math.fma(blue, w, acc[o + 2]);
        e *= r;
        r *= fu;
      }
    }
  }

  /**
   * 2 (e - TAU) where e > TAU, else 0, without a branch: whether a box sample is inside the
   * ellipse is not predictable, and a mispredicted branch costs more than the sum. Times
   * HALF_WEIGHT_SCALE it is the weight (e - TAU) / (1 - TAU).
   */
  private static float weight(double e) {
    double d = e - TAU;
    return (float) (d + Math.abs(d));
  }

  private void accumulateByTable(float[] acc, int stride, int g) {
    int s5 = SHAPE * g;
    double mx = shape[s5];
    double my = shape[s5 + 1];
    double a = shape[s5 + 2];
    double b = shape[s5 + 3];
    double c = shape[s5 + 4];
    float red = colour[3 * g];
    float green = colour[3 * g + 1];
    float blue = colour[3 * g + 2];
    for (int v = box[4 * g + 2]; v <= box[4 * g + 3]; v++) {
      double dy = sampleY[v - top] - my;
      double qy = c * dy * dy;
      double qxy = b * dy;
      int row = (v - top) * stride;
      for (int u = box[4 * g]; u <= box[4 * g + 1]; u++) {
        double dx = sampleX[u] - mx;
        double q = a * dx * dx + qxy * dx + qy;
        if (q < Q_CUTOFF) {
          // No test of w > 0: between non-negative table entries w is at worst a rounding below
          // zero, and adding that costs less than a branch.
          float w = GaussianWeights.at(q);
          int o = row + 3 * u;
          acc[o] += red * w;
          acc[o + 1] += green * w;
          acc[o + 2] += blue * w;
        }
      }
    }
  }
}
