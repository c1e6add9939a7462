package dev.p2g.job.serve;

import dev.p2g.render.Scale;

/**
 * Where an image request's output lies in the pyramid the field can render: the level at the
 * request's scale (output over region, per axis) and the window of it the request returns. The
 * whole image at a size is a whole level, the same bytes as the render command's level at that
 * scale (full/max is scale 1, full/pct:200 is x2); tiles at power-of-two scale factors are exact
 * windows of their level; any other region is the window whose origin is nearest its scaled
 * corner (within half an output pixel of the region's own edges).
 */
public record LevelWindow(Scale scale, int x, int y, int width, int height, boolean whole) {

  /** The level and window of region (of a width x height source) at outputWidth x outputHeight. */
  public static LevelWindow of(Rect region, long outputWidth, long outputHeight, int width, int height) {
    double sx = (double) outputWidth / region.width();
    double sy = (double) outputHeight / region.height();
    Scale scale = sx == sy ? Scale.of(sx) : new Scale(sx, sy);
    int levelW = scale.outputWidth(width);
    int levelH = scale.outputHeight(height);
    boolean whole = region.x() == 0 && region.y() == 0 && region.width() == width && region.height() == height;
    if (whole) {
      return new LevelWindow(scale, 0, 0, levelW, levelH, true);
    }
    int w = (int) Math.min(outputWidth, levelW);
    int h = (int) Math.min(outputHeight, levelH);
    int x = (int) Math.min(Math.floor(region.x() * sx + 0.5), levelW - w);
    int y = (int) Math.min(Math.floor(region.y() * sy + 0.5), levelH - h);
    return new LevelWindow(scale, x, y, w, h, false);
  }
}
