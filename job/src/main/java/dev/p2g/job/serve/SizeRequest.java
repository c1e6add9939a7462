package dev.p2g.job.serve;

/**
 * The size parameter of an image request (IIIF Image API 3.0, 4.2): max, w,  ,h  pct:n  w,h  !w,h,
 * each with a leading ^ to allow sizes above the extracted region's (sizeUpscaling, the point of
 * a field: it renders any scale). Without ^, a size above the region's is a bad request; an
 * explicit size past the server's limits is one too; max and !w,h stop at the limits.
 */
public record SizeRequest(Kind kind, boolean upscale, long width, long height, double percent) {
  /** Which form the parameter takes. */
  public enum Kind { MAX, WIDTH, HEIGHT, PERCENT, EXACT, BEST_FIT }

  static SizeRequest parse(String text) {
    boolean up = text.startsWith("^");
    String s = up ? text.substring(1) : text;
    String what = "size '" + text + "'";
    if (s.equals("max")) {
      return new SizeRequest(Kind.MAX, up, 0, 0, 0);
    }
    if (s.startsWith("pct:")) {
      return new SizeRequest(Kind.PERCENT, up, 0, 0, Numbers.decimal(s.substring(4), what));
    }
    boolean fit = s.startsWith("!");
    String[] wh = (fit ? s.substring(1) : s).split(",", -1);
    if (wh.length != 2) {
      throw IiifException.badRequest(what + ": expected max, w, ,h, pct:n, w,h or !w,h (each may start with ^)");
    }
    if (fit || (!wh[0].isEmpty() && !wh[1].isEmpty())) {
      return new SizeRequest(fit ? Kind.BEST_FIT : Kind.EXACT, up, Numbers.whole(wh[0], what), Numbers.whole(wh[1], what), 0);
    }
    if (!wh[0].isEmpty()) {
      return new SizeRequest(Kind.WIDTH, up, Numbers.whole(wh[0], what), 0, 0);
    }
    if (!wh[1].isEmpty()) {
      return new SizeRequest(Kind.HEIGHT, up, 0, Numbers.whole(wh[1], what), 0);
    }
    throw IiifException.badRequest(what + ": neither a width nor a height");
  }

  /** The output's width and height, {w, h}, for the extracted region (rw x rh pixels). */
  long[] resolve(int rw, int rh, SizeLimits limits) {
    long w;
    long h;
    switch (kind) {
      case MAX -> {
        double scale = Math.min(upscale ? Double.MAX_VALUE : 1, limits.largestScale(rw, rh));
        w = Math.max(1, (long) Math.floor(rw * scale + 1e-9));
        h = Math.max(1, (long) Math.floor(rh * scale + 1e-9));
        return new long[] {w, h};
      }
      case WIDTH -> {
        w = width;
        h = Math.round((double) width * rh / rw);
      }
      case HEIGHT -> {
        h = height;
        w = Math.round((double) height * rw / rh);
      }
      case PERCENT -> {
        w = Math.round(rw * percent / 100);
        h = Math.round(rh * percent / 100);
      }
      case EXACT -> {
        w = width;
        h = height;
      }
      default -> {
        // as large as fits in w x h, the region (without ^) and the limits: floored, so none is passed
        double scale = Math.min(Math.min((double) width / rw, (double) height / rh), limits.largestScale(rw, rh));
        if (!upscale) {
          scale = Math.min(scale, 1);
        }
        w = Math.min(width, (long) Math.floor(rw * scale + 1e-9));
        h = Math.min(height, (long) Math.floor(rh * scale + 1e-9));
      }
    }
    if (w < 1 || h < 1) {
      throw IiifException.badRequest("size gives " + w + " x " + h + " pixels");
    }
    if (!upscale && (w > rw || h > rh)) {
      throw IiifException.badRequest(w + " x " + h + " is larger than the region (" + rw + " x " + rh
          + "): ask with ^ to scale up");
    }
    if (!limits.allow(w, h)) {
      throw IiifException.badRequest(w + " x " + h + " is past this image's limits (maxWidth " + limits.maxWidth()
          + ", maxHeight " + limits.maxHeight() + ", maxArea " + limits.maxArea() + ")");
    }
    return new long[] {w, h};
  }
}
