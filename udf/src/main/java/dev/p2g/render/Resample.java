package dev.p2g.render;

import dev.p2g.field.FloatImage;

/**
 * Resizes images with a library filter (AxisWeights: Pillow's antialiased resize): the reference
 * panels of the run report and the baselines of the quality benchmark. A window of the resized
 * image can be computed alone, so a report shows the centre of an x4 level of a large source
 * without resizing all of it.
 */
public final class Resample {
  private Resample() {}

  public static FloatImage resize(FloatImage src, int width, int height, ResampleFilter filter) {
    return window(src, width, height, 0, 0, width, height, filter);
  }

  /** The window [x, x + w) x [y, y + h) of src resized to width x height. */
  public static FloatImage window(FloatImage src, int width, int height, int x, int y, int w, int h,
      ResampleFilter filter) {
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
      throw new IllegalArgumentException("window " + w + "x" + h + " at (" + x + ", " + y + ") of " + width + "x"
          + height);
    }
    AxisWeights across = AxisWeights.of(filter, src.width(), width);
    AxisWeights down = AxisWeights.of(filter, src.height(), height);
    // the source rows the window's rows take (windows move down monotonically with the output row)
    int top = down.first(y);
    int bottom = down.first(y + h - 1) + down.count(y + h - 1);
    int rows = bottom - top;
    float[] mid = new float[3 * rows * w];
    for (int j = 0; j < rows; j++) {
      for (int u = 0; u < w; u++) {
        int first = across.first(x + u);
        for (int c = 0; c < 3; c++) {
          float sum = 0;
          for (int t = 0; t < across.count(x + u); t++) {
            sum += across.weight(x + u, t) * src.get(c, first + t, top + j);
          }
          mid[(c * rows + j) * w + u] = sum;
        }
      }
    }
    FloatImage out = FloatImage.blank(w, h);
    for (int v = 0; v < h; v++) {
      int first = down.first(y + v) - top;
      for (int u = 0; u < w; u++) {
        for (int c = 0; c < 3; c++) {
          float sum = 0;
          for (int t = 0; t < down.count(y + v); t++) {
            sum += down.weight(y + v, t) * mid[(c * rows + first + t) * w + u];
          }
          out.set(c, u, v, sum);
        }
      }
    }
    return out;
  }
}
