package dev.p2g.field;

import java.util.Objects;

/**
 * A continuous 2D Gaussian field, version 1: k x k Gaussians per LR pixel of a width x height
 * image, 8 parameters each, stored as planes (FieldContract order), each plane row-major over
 * the anchor grid of kW x kH. Anchor (a, b) sits at ((a + 0.5) / k, (b + 0.5) / k) in LR pixels.
 * A field may carry its model's training degradation (null: none), which says how the renderers
 * make levels at and below scale 1 from it (Degradation).
 */
public final class GaussianField {
  private final int width;
  private final int height;
  private final int k;
  private final float[] params;
  private final Degradation degradation;

  public GaussianField(int width, int height, int k, float[] params) {
    this(width, height, k, params, null);
  }

  public GaussianField(int width, int height, int k, float[] params, Degradation degradation) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("field size must be positive: " + width + "x" + height);
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    Objects.requireNonNull(params, "params");
    long expected = (long) FieldContract.PARAMS * k * k * width * height;
    if (params.length != expected) {
      throw new IllegalArgumentException(
          "a " + width + "x" + height + " field with k=" + k + " has " + expected
              + " parameters, got " + params.length);
    }
    this.width = width;
    this.height = height;
    this.k = k;
    this.params = params;
    this.degradation = degradation;
  }

  /** The same Gaussians (shared, not copied) with the given degradation (null: none). */
  public GaussianField withDegradation(Degradation d) {
    return new GaussianField(width, height, k, params, d);
  }

  /** The model's training degradation, or null when the field interpolates its samples at scale 1. */
  public Degradation degradation() {
    return degradation;
  }

  public static GaussianField zeros(int width, int height, int k) {
    return new GaussianField(width, height, k,
        new float[Math.toIntExact((long) FieldContract.PARAMS * k * k * width * height)]);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public int k() {
    return k;
  }

  public int gridWidth() {
    return k * width;
  }

  public int gridHeight() {
    return k * height;
  }

  public int count() {
    return k * k * width * height;
  }

  /** Planar parameters: index = plane * count() + b * gridWidth() + a. Shared, not copied. */
  public float[] params() {
    return params;
  }

  public float get(int plane, int gaussian) {
    return params[plane * count() + gaussian];
  }

  public void set(int plane, int gaussian, float v) {
    params[plane * count() + gaussian] = v;
  }

  /** Anchor x of Gaussian i (index b * gridWidth + a), in LR pixels. */
  public double anchorX(int gaussian) {
    return (gaussian % gridWidth() + 0.5) / k;
  }

  public double anchorY(int gaussian) {
    return (gaussian / gridWidth() + 0.5) / k;
  }

  /**
   * The Gaussians anchored in the LR rectangle [x, x + w) x [y, y + h), as a field of that size
   * (its anchors relative to (x, y); their offsets and shapes unchanged).
   */
  public GaussianField crop(int x, int y, int w, int h) {
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
      throw new IllegalArgumentException("crop " + w + "x" + h + "+" + x + "+" + y + " outside " + width + "x" + height);
    }
    int gw = k * w;
    int gh = k * h;
    int n = gw * gh;
    float[] out = new float[FieldContract.PARAMS * n];
    for (int plane = 0; plane < FieldContract.PARAMS; plane++) {
      for (int b = 0; b < gh; b++) {
        System.arraycopy(params, plane * count() + (k * y + b) * gridWidth() + k * x, out, plane * n + b * gw, gw);
      }
    }
    return new GaussianField(w, h, k, out, degradation);
  }

  /**
   * How far past the field's own rectangle (0, 0, width, height) any of its Gaussians reaches, in
   * LR pixels: the largest distance from the rectangle to a corner of a Gaussian's e = TAU box
   * (FieldContract.boxHalfWidth). Tiled rendering keeps this much of a margin.
   */
  public double reach() {
    return farthest(false);
  }

  /**
   * How far from its anchor any Gaussian's e = TAU box reaches, in LR pixels, on either axis: a
   * window of the image needs only the Gaussians anchored within this of it (a window's render
   * crops the field by it).
   */
  public double extent() {
    return farthest(true);
  }

  /** reach() (fromAnchor false) or extent() (true): one pass over the Gaussians' e = TAU boxes. */
  private double farthest(boolean fromAnchor) {
    double most = 0;
    int n = count();
    for (int i = 0; i < n; i++) {
      double l11 = params[FieldContract.L11 * n + i];
      double l21 = params[FieldContract.L21 * n + i];
      double l22 = params[FieldContract.L22 * n + i];
      double hx = FieldContract.boxHalfWidth(l11 * l11);
      double hy = FieldContract.boxHalfWidth(l21 * l21 + l22 * l22);
      double dx = params[FieldContract.DX * n + i];
      double dy = params[FieldContract.DY * n + i];
      if (fromAnchor) {
        most = Math.max(most, Math.max(hx + Math.abs(dx), hy + Math.abs(dy)));
      } else {
        double mx = anchorX(i) + dx;
        double my = anchorY(i) + dy;
        most = Math.max(most, Math.max(Math.max(-(mx - hx), mx + hx - width), Math.max(-(my - hy), my + hy - height)));
      }
    }
    return most;
  }
}
