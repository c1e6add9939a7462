package dev.p2g.field;

import java.util.Objects;

/**
 * A continuous 2D Gaussian field, version 1: k x k Gaussians per LR pixel of a width x height
 * image, 8 parameters each, stored as planes (FieldContract order), each plane row-major over
 * the anchor grid of kW x kH. Anchor (a, b) sits at ((a + 0.5) / k, (b + 0.5) / k) in LR pixels.
 */
public final class GaussianField {
  private final int width;
  private final int height;
  private final int k;
  private final float[] params;

  public GaussianField(int width, int height, int k, float[] params) {
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
}
