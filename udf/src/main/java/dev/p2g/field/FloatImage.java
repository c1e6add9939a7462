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
}
