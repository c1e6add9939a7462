package dev.p2g.render;

import dev.p2g.field.Degradation;
import dev.p2g.field.GaussianField;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;

/**
 * A window of a level, output columns [x, x + width) and rows [y, y + height) of what
 * CpuRenderer.renderRgb8 gives for the whole level, the same bytes, from the part of the field
 * that reaches it: the samples under the window (on a reduced axis, those under its outputs'
 * filter support, SampleGrid.axis restricted by AxisWeights.window) are evaluated a chunk of
 * rows at a time, each chunk from the Gaussians anchored within extent of it, and reduced as
 * the whole level is. An image stored as tiles is given as its tiles that reach the window, in
 * raster order: each is added in turn, as TiledRender adds them, so a sample sums its Gaussians
 * in the same order as the render command's level. Memory: the window's output, one chunk of
 * samples and the part of a tile that reaches it; the output is written in 8 bits row by row.
 */
public final class WindowRender {
  /**
   * The field of the LR rectangle at (x, y), the whole image's at (0, 0) or a tile's, and its
   * GaussianField.extent() (or more).
   */
  public record Part(GaussianField field, int x, int y, double extent) {}

  /**
   * Where a window's samples are, in LR pixels: [left, right] x [top, bottom]. A Gaussian
   * reaches the window only if its box meets this rectangle.
   */
  public record Footprint(double left, double top, double right, double bottom) {
    /** Whether a tile at (x, y), width x height, whose Gaussians reach at most reach past it, can reach the window. */
    public boolean meets(int x, int y, int width, int height, double reach) {
      return x - reach <= right && x + width + reach >= left && y - reach <= bottom && y + height + reach >= top;
    }
  }

  /** Samples a chunk evaluates at most (12 bytes each): a strong reduction's window stays small. */
  static volatile long chunkSamples = 1L << 21; // tests set it small to make several chunks

  private final CpuRenderer renderer;
  private final SampleGrid grid;
  private final int width;
  private final int height;
  private final AxisWeights across;
  private final AxisWeights down;
  /** The window's samples: columns [s0, s1) and rows [t0, t1) of the grid. */
  private final int s0;
  private final int s1;
  private final int t0;
  private final int t1;

  private WindowRender(CpuRenderer renderer, SampleGrid grid, int x, int y, int width, int height) {
    this.renderer = renderer;
    this.grid = grid;
    this.width = width;
    this.height = height;
    AxisWeights wholeAcross = SampleGrid.axis(grid.width(), grid.lrWidth(), grid.outWidth(), grid.factor());
    AxisWeights wholeDown = SampleGrid.axis(grid.height(), grid.lrHeight(), grid.outHeight(), grid.factor());
    this.s0 = wholeAcross.firstInput(x, x + width);
    this.s1 = wholeAcross.endInput(x, x + width);
    this.t0 = wholeDown.firstInput(y, y + height);
    this.t1 = wholeDown.endInput(y, y + height);
    this.across = wholeAcross.window(x, x + width);
    this.down = wholeDown.window(y, y + height);
  }

  /**
   * The window at (x, y), width x height, of the level of an lrWidth x lrHeight image at scale,
   * for a field with that degradation (null: none), on renderer's grid. The field equation's
   * rule only: a renderer of the FOOTPRINT rule widens Gaussians past their extent.
   */
  public static WindowRender of(CpuRenderer renderer, int lrWidth, int lrHeight, Scale scale,
      Degradation degradation, int x, int y, int width, int height) {
    if (!renderer.evaluatesFieldEquation()) {
      throw new IllegalArgumentException("windows are rendered by the field equation's rule (LANCZOS3)");
    }
    SampleGrid grid = renderer.grid(lrWidth, lrHeight, scale, degradation);
    if (x < 0 || y < 0 || width < 1 || height < 1 || x + (long) width > grid.outWidth()
        || y + (long) height > grid.outHeight()) {
      throw new IllegalArgumentException("window " + width + "x" + height + " at " + x + "," + y + " is not inside the "
          + grid.outWidth() + "x" + grid.outHeight() + " level");
    }
    return new WindowRender(renderer, grid, x, y, width, height);
  }

  /** Where the window's samples are: the tiles to give rgb8 are those that meet it. */
  public Footprint footprint() {
    double rx = (double) grid.width() / grid.lrWidth();
    double ry = (double) grid.height() / grid.lrHeight();
    return new Footprint((s0 + 0.5) / rx, (t0 + 0.5) / ry, (s1 - 0.5) / rx, (t1 - 0.5) / ry);
  }

  /**
   * The window from parts: fields of LR rectangles, in raster order, that hold every Gaussian
   * whose box meets the footprint.
   */
  public BufferedImage rgb8(List<Part> parts) {
    double extent = 0;
    for (Part p : parts) {
      extent = Math.max(extent, p.extent());
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    // rows go to 8 bits as they come (as RenderBand.toRgb8 quantises): a large window holds no floats
    RowResampler reducer = new RowResampler(across, down, true, (v, rgb) -> {
      for (int i = 0, o = 3 * v * width; i < 3 * width; i += 3, o += 3) {
        bgr[o] = (byte) ImageEncoding.quantize(rgb[i + 2]);
        bgr[o + 1] = (byte) ImageEncoding.quantize(rgb[i + 1]);
        bgr[o + 2] = (byte) ImageEncoding.quantize(rgb[i]);
      }
    });
    double rx = (double) grid.width() / grid.lrWidth();
    double ry = (double) grid.height() / grid.lrHeight();
    // the LR columns whose anchors can reach the window's first and last sample columns
    int cx0 = (int) Math.floor((s0 + 0.5) / rx - extent);
    int cx1 = (int) Math.floor((s1 - 0.5) / rx + extent) + 1;
    int chunk = (int) Math.max(1, Math.min(t1 - t0, chunkSamples / (s1 - s0)));
    RenderBand samples = new RenderBand(s0, s1 - s0, t0, chunk);
    for (int top = t0; top < t1; top += chunk) {
      int rows = Math.min(chunk, t1 - top);
      if (top != t0) {
        samples.moveTo(top);
      }
      int cy0 = (int) Math.floor((top + 0.5) / ry - extent);
      int cy1 = (int) Math.floor((top + rows - 0.5) / ry + extent) + 1;
      for (Part part : parts) {
        splatReaching(part, cx0, cy0, cx1, cy1, samples);
      }
      float[] data = samples.data();
      for (int j = 0; j < rows; j++) {
        reducer.push(data, samples.offset(top + j));
      }
    }
    return out;
  }

  /** Adds the Gaussians of part anchored in LR columns [cx0, cx1) and rows [cy0, cy1). */
  private void splatReaching(Part part, int cx0, int cy0, int cx1, int cy1, RenderBand samples) {
    GaussianField f = part.field();
    int x0 = Math.max(cx0, part.x());
    int x1 = Math.min(cx1, part.x() + f.width());
    int y0 = Math.max(cy0, part.y());
    int y1 = Math.min(cy1, part.y() + f.height());
    if (x1 <= x0 || y1 <= y0) {
      return;
    }
    boolean all = x0 == part.x() && y0 == part.y() && x1 == part.x() + f.width() && y1 == part.y() + f.height();
    GaussianField reaching = all ? f : f.crop(x0 - part.x(), y0 - part.y(), x1 - x0, y1 - y0);
    renderer.splat(reaching, x0, y0, grid.lrWidth(), grid.lrHeight(), grid, samples);
  }
}
