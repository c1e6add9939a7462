package dev.p2g.encode;

import dev.p2g.field.FloatImage;
import java.util.Objects;

/**
 * A decoded, upright image as model input, with what the decoder did to get it there.
 *
 * <p>{@code hadAlpha} says the file declares transparency (an alpha channel, or a palette or
 * colour key with a transparent entry), even where every pixel turns out opaque: that is a fact
 * about the file, cheap to know, and compositing fully opaque pixels changes no value, so the
 * pixels are then exactly those of the colour channels. {@code alphaApplied} is the policy used
 * whenever {@code hadAlpha} holds.
 */
public record DecodedImage(
    RgbSource pixels,
    boolean hadAlpha,
    AlphaPolicy alphaApplied,
    String format,
    int bitsPerSample,
    int orientation) {

  public DecodedImage {
    Objects.requireNonNull(pixels, "pixels");
    Objects.requireNonNull(format, "format");
    if (hadAlpha != (alphaApplied != null)) {
      throw new IllegalArgumentException("alphaApplied must be set exactly when the image had alpha");
    }
    if (orientation < ExifOrientation.NORMAL || orientation > ExifOrientation.MAX) {
      throw new IllegalArgumentException("EXIF orientation must be 1..8, was " + orientation);
    }
  }

  public int width() {
    return pixels.width();
  }

  public int height() {
    return pixels.height();
  }

  /** The whole image as floats (converted now if it was kept as a raster). */
  public FloatImage rgb() {
    try {
      return pixels.region(0, 0, width(), height());
    } catch (ImageDecodeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
