package dev.p2g.encode;

import dev.p2g.field.FloatImage;
import java.awt.image.BufferedImage;

/**
 * A decoded image's pixels as model input, by region. Small images are converted once, whole;
 * large ones keep the decoder's 8- or 16-bit raster and convert the region a model run asks for,
 * so an 8192 x 8192 image costs its raster (200 MB at 8 bits) instead of 800 MB of floats.
 */
public interface RgbSource {
  int width();

  int height();

  /** The rectangle [x, x + w) x [y, y + h) as float RGB in [0, 1]. */
  FloatImage region(int x, int y, int w, int h) throws ImageDecodeException;

  /** Pixels converted already. */
  static RgbSource of(FloatImage image) {
    return new RgbSource() {
      @Override
      public int width() {
        return image.width();
      }

      @Override
      public int height() {
        return image.height();
      }

      @Override
      public FloatImage region(int x, int y, int w, int h) {
        return x == 0 && y == 0 && w == image.width() && h == image.height() ? image : image.crop(x, y, w, h);
      }
    };
  }

  /** Pixels converted region by region from the decoder's raster (upright images only). */
  static RgbSource lazy(BufferedImage image, AlphaPolicy policy) {
    return new RgbSource() {
      @Override
      public int width() {
        return image.getWidth();
      }

      @Override
      public int height() {
        return image.getHeight();
      }

      @Override
      public FloatImage region(int x, int y, int w, int h) throws ImageDecodeException {
        return PixelConverter.convert(image.getSubimage(x, y, w, h), policy).rgb();
      }
    };
  }
}
