package dev.p2g.render;

import dev.p2g.field.FloatImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;

/**
 * A horizontal band of an output image being rendered: rows [firstRow, firstRow + rows) of an
 * image width pixels wide (or of a window of it, columns from firstColumn), as float RGB
 * accumulators. Renderers add Gaussians into it; a
 * streaming writer takes finished rows off the top and moves the band down the image, so a
 * large output never exists whole in memory.
 *
 * <p>The accumulators are interleaved (r, g, b of a pixel side by side), not planar like
 * FloatImage: a splat then touches one cache line per pixel instead of three, which made the
 * CPU renderer 19 % faster at x2 (docs/benchmarks.md), and rows come out in the order 8-bit
 * image writers want them.
 */
public final class RenderBand {
  private static final int C = FloatImage.CHANNELS;

  private final int firstColumn;
  private final int width;
  private final int rows;
  private final float[] data;
  private int firstRow;

  public RenderBand(int width, int firstRow, int rows) {
    this(0, width, firstRow, rows);
  }

  /** A band of columns [firstColumn, firstColumn + width) only: a window of the image. */
  public RenderBand(int firstColumn, int width, int firstRow, int rows) {
    if (width <= 0 || rows <= 0 || firstRow < 0 || firstColumn < 0) {
      throw new IllegalArgumentException("band " + width + "x" + rows + " at column " + firstColumn + ", row "
          + firstRow);
    }
    this.firstColumn = firstColumn;
    this.width = width;
    this.rows = rows;
    this.firstRow = firstRow;
    this.data = new float[Math.multiplyExact(Math.multiplyExact(width, rows), C)];
  }

  public int width() {
    return width;
  }

  /** The image column of the band's first column (0 unless the band is a window). */
  public int firstColumn() {
    return firstColumn;
  }

  public int rows() {
    return rows;
  }

  public int firstRow() {
    return firstRow;
  }

  /** Interleaved: index = ((row - firstRow) * width + x) * 3 + c. Shared, not copied. */
  float[] data() {
    return data;
  }

  /** Output row (absolute) as 8-bit RGB, clamped and rounded, into out (3 * width bytes, interleaved). */
  public void rowAsRgb8(int row, byte[] out) {
    int r = row - firstRow;
    if (r < 0 || r >= rows) {
      throw new IllegalArgumentException("row " + row + " is not in the band [" + firstRow + ", " + (firstRow + rows) + ")");
    }
    int base = r * width * C;
    for (int i = 0; i < width * C; i++) {
      out[i] = (byte) ImageEncoding.quantize(data[base + i]);
    }
  }

  /** Where output row (absolute) starts in data(). */
  int offset(int row) {
    int r = row - firstRow;
    if (r < 0 || r >= rows) {
      throw new IllegalArgumentException("row " + row + " is not in the band [" + firstRow + ", " + (firstRow + rows) + ")");
    }
    return r * width * C;
  }

  /** Sets output row (absolute) from 3 * width interleaved floats. */
  void setRow(int row, float[] rgb) {
    System.arraycopy(rgb, 0, data, offset(row), width * C);
  }

  /** Drops the rows above newFirstRow (already written) and starts the band there, zeroing the rows it gains. */
  public void moveTo(int newFirstRow) {
    int drop = newFirstRow - firstRow;
    if (drop < 0) {
      throw new IllegalArgumentException("a band only moves down: " + firstRow + " -> " + newFirstRow);
    }
    int keep = Math.max(0, rows - drop);
    int rowLength = width * C;
    if (keep > 0) {
      System.arraycopy(data, drop * rowLength, data, 0, keep * rowLength);
    }
    Arrays.fill(data, keep * rowLength, data.length, 0f);
    firstRow = newFirstRow;
  }

  /** The band, clamped to [0, 1], as a planar image (a copy: the band's own layout is interleaved). */
  public FloatImage toImage() {
    int plane = width * rows;
    float[] planar = new float[data.length];
    for (int o = 0, i = 0; o < plane; o++, i += C) {
      planar[o] = clamp(data[i]);
      planar[plane + o] = clamp(data[i + 1]);
      planar[2 * plane + o] = clamp(data[i + 2]);
    }
    return new FloatImage(width, rows, planar);
  }

  /** The band as an 8-bit image, quantised as ImageEncoding.toRgb8 does a FloatImage. */
  public BufferedImage toRgb8() {
    BufferedImage out = new BufferedImage(width, rows, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < data.length; i += C) {
      bgr[i] = (byte) ImageEncoding.quantize(data[i + 2]);
      bgr[i + 1] = (byte) ImageEncoding.quantize(data[i + 1]);
      bgr[i + 2] = (byte) ImageEncoding.quantize(data[i]);
    }
    return out;
  }

  private static float clamp(float v) {
    return Math.min(1f, Math.max(0f, v));
  }
}
