package dev.p2g.job.serve;

/**
 * The largest output the server renders for an image (info.json's maxWidth, maxHeight and
 * maxArea): requests past them are refused, max and ^max stop at them.
 */
public record SizeLimits(long maxWidth, long maxHeight, long maxArea) {
  public SizeLimits {
    if (maxWidth < 1 || maxHeight < 1 || maxArea < 1) {
      throw new IllegalArgumentException("size limits must be positive: " + maxWidth + ", " + maxHeight + ", " + maxArea);
    }
  }

  /** factor times the source's width and height, and factor squared times its area, at most maxArea pixels. */
  public static SizeLimits of(int width, int height, double factor, long maxArea) {
    return new SizeLimits(Math.max(1, (long) (factor * width)), Math.max(1, (long) (factor * height)),
        Math.max(1, Math.min(maxArea, (long) (factor * factor * width * (double) height))));
  }

  boolean allow(long w, long h) {
    return w <= maxWidth && h <= maxHeight && w * h <= maxArea;
  }

  /** The largest scale of a w x h region within the limits. */
  double largestScale(long w, long h) {
    return Math.min(Math.min((double) maxWidth / w, (double) maxHeight / h), Math.sqrt((double) maxArea / ((double) w * h)));
  }
}
