package dev.p2g.field;

import java.util.Objects;

/** An RGB image of real values, planar (channel, row, column), as the model takes it and renderers give it. */
public final class FloatImage {
  public static final int CHANNELS = 3;

  private final int width;
  private final int height;
  private final float[] data;

  public FloatImage(int width, int height, float[] data) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    Objects.requireNonNull(data, "data");
    if ((long) width * height * CHANNELS != data.length) {
      throw new IllegalArgumentException(
          "data holds " + data.length + " values, a " + width + "x" + height + " RGB image needs "
              + (long) width * height * CHANNELS);
    }
    this.width = width;
    this.height = height;
    this.data = data;
  }

  public static FloatImage blank(int width, int height) {
    return new FloatImage(width, height, new float[Math.multiplyExact(Math.multiplyExact(width, height), CHANNELS)]);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The backing array, planar: index = (c * height + y) * width + x. Shared, not copied. */
  public float[] data() {
    return data;
  }

  public int index(int c, int x, int y) {
    return (c * height + y) * width + x;
  }

  public float get(int c, int x, int y) {
    return data[index(c, x, y)];
  }

  public void set(int c, int x, int y, float v) {
    data[index(c, x, y)] = v;
  }

  /** A copy of the rectangle [x, x + w) x [y, y + h), which must lie inside this image. */
  public FloatImage crop(int x, int y, int w, int h) {
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
      throw new IllegalArgumentException("crop " + w + "x" + h + "+" + x + "+" + y + " outside " + width + "x" + height);
    }
    float[] out = new float[Math.multiplyExact(Math.multiplyExact(w, h), CHANNELS)];
    for (int c = 0; c < CHANNELS; c++) {
      for (int row = 0; row < h; row++) {
        System.arraycopy(data, index(c, x, y + row), out, (c * h + row) * w, w);
      }
    }
    return new FloatImage(w, h, out);
  }
}
