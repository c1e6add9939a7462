package dev.p2g.encode;

import dev.p2g.field.FloatImage;
import java.util.Objects;

/** A decoded, upright image as model input, with what the decoder did to get it there. */
public record DecodedImage(
    FloatImage rgb,
    boolean hadAlpha,
    AlphaPolicy alphaApplied,
    String format,
    int bitsPerSample,
    int orientation) {

  public DecodedImage {
    Objects.requireNonNull(rgb, "rgb");
    Objects.requireNonNull(format, "format");
    if (hadAlpha != (alphaApplied != null)) {
      throw new IllegalArgumentException("alphaApplied must be set exactly when the image had alpha");
    }
    if (orientation < ExifOrientation.NORMAL || orientation > ExifOrientation.MAX) {
      throw new IllegalArgumentException("EXIF orientation must be 1..8, was " + orientation);
    }
  }

  public int width() {
    return rgb.width();
  }

  public int height() {
    return rgb.height();
  }
}
