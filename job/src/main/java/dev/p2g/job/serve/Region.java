package dev.p2g.job.serve;

/**
 * The region parameter of an image request (IIIF Image API 3.0, 4.1): full, square, x,y,w,h or
 * pct:x,y,w,h. Resolved against the source's size it is cropped to the image; a region of no
 * pixels, or wholly outside, is a bad request.
 */
public sealed interface Region {
  /** The region in source pixels for a source of width x height. */
  Rect resolve(int width, int height);

  /** The whole image. */
  record Full() implements Region {
    @Override
    public Rect resolve(int width, int height) {
      return new Rect(0, 0, width, height);
    }
  }

  /** The largest centred square. */
  record Square() implements Region {
    @Override
    public Rect resolve(int width, int height) {
      int side = Math.min(width, height);
      return new Rect((width - side) / 2, (height - side) / 2, side, side);
    }
  }

  /** x, y, w, h in source pixels. */
  record Pixels(long x, long y, long w, long h) implements Region {
    @Override
    public Rect resolve(int width, int height) {
      return crop(x, y, w, h, width, height);
    }
  }

  /** x, y, w, h in percent of the source's width and height; edges rounded to the nearest pixel. */
  record Percent(double x, double y, double w, double h) implements Region {
    @Override
    public Rect resolve(int width, int height) {
      long x0 = Math.round(x / 100 * width);
      long y0 = Math.round(y / 100 * height);
      return crop(x0, y0, Math.round((x + w) / 100 * width) - x0, Math.round((y + h) / 100 * height) - y0, width,
          height);
    }
  }

  static Region parse(String text) {
    if (text.equals("full")) {
      return new Full();
    }
    if (text.equals("square")) {
      return new Square();
    }
    boolean percent = text.startsWith("pct:");
    String[] parts = (percent ? text.substring(4) : text).split(",", -1);
    if (parts.length != 4) {
      throw IiifException.badRequest("region '" + text + "': expected full, square, x,y,w,h or pct:x,y,w,h");
    }
    if (percent) {
      double[] v = new double[4];
      for (int i = 0; i < 4; i++) {
        v[i] = Numbers.decimal(parts[i], "region '" + text + "'");
      }
      return new Percent(v[0], v[1], v[2], v[3]);
    }
    long[] v = new long[4];
    for (int i = 0; i < 4; i++) {
      v[i] = Numbers.whole(parts[i], "region '" + text + "'");
    }
    return new Pixels(v[0], v[1], v[2], v[3]);
  }

  private static Rect crop(long x, long y, long w, long h, int width, int height) {
    if (w <= 0 || h <= 0) {
      throw IiifException.badRequest("region of zero width or height");
    }
    if (x >= width || y >= height) {
      throw IiifException.badRequest("region outside the image (" + width + " x " + height + ")");
    }
    long x1 = Math.min(width, x + w);
    long y1 = Math.min(height, y + h);
    return new Rect((int) x, (int) y, (int) (x1 - x), (int) (y1 - y));
  }
}
