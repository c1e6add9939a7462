package dev.p2g.render;

import dev.p2g.field.FloatImage;

/**
 * A horizontal band of an output image being rendered: rows [firstRow, firstRow + rows) of an
 * image width pixels wide, as planar float RGB accumulators. Renderers add Gaussians into it;
 * a streaming writer takes finished rows off the top and moves the band down the image, so a
 * large output never exists whole in memory.
 */
public final class RenderBand {
  private final int width;
  private final int rows;
  private final float[] data;
  private int firstRow;

  public RenderBand(int width, int firstRow, int rows) {
    if (width <= 0 || rows <= 0 || firstRow < 0) {
      throw new IllegalArgumentException("band " + width + "x" + rows + " at row " + firstRow);
    }
    this.width = width;
    this.rows = rows;
    this.firstRow = firstRow;
    this.data = new float[Math.multiplyExact(Math.multiplyExact(width, rows), FloatImage.CHANNELS)];
  }

  public int width() {
    return width;
  }

  public int rows() {
    return rows;
  }

  public int firstRow() {
    return firstRow;
  }

  /** Planar: index = (c * rows + (row - firstRow)) * width + x. Shared, not copied. */
  float[] data() {
    return data;
  }

  /** Output row (absolute) as 8-bit RGB, clamped and rounded, into out (3 * width bytes, interleaved). */
  public void rowAsRgb8(int row, byte[] out) {
    int r = row - firstRow;
    if (r < 0 || r >= rows) {
      throw new IllegalArgumentException("row " + row + " is not in the band [" + firstRow + ", " + (firstRow + rows) + ")");
    }
    int plane = rows * width;
    int base = r * width;
    for (int x = 0; x < width; x++) {
      for (int c = 0; c < FloatImage.CHANNELS; c++) {
        out[FloatImage.CHANNELS * x + c] = (byte) ImageEncoding.quantize(data[c * plane + base + x]);
      }
    }
  }

  /** Drops the rows above newFirstRow (already written) and starts the band there, zeroing the rows it gains. */
  public void moveTo(int newFirstRow) {
    int drop = newFirstRow - firstRow;
    if (drop < 0) {
      throw new IllegalArgumentException("a band only moves down: " + firstRow + " -> " + newFirstRow);
    }
    int keep = Math.max(0, rows - drop);
    int plane = rows * width;
    for (int c = 0; c < FloatImage.CHANNELS; c++) {
      int p = c * plane;
      if (keep > 0) {
        System.arraycopy(data, p + drop * width, data, p, keep * width);
      }
      java.util.Arrays.fill(data, p + keep * width, p + plane, 0f);
    }
    firstRow = newFirstRow;
  }

  /** The band, clamped in place, as an image sharing its array (for a band that holds a whole output). */
  public FloatImage toClampedImage() {
    for (int i = 0; i < data.length; i++) {
      data[i] = Math.min(1f, Math.max(0f, data[i]));
    }
    return new FloatImage(width, rows, data);
  }
}
