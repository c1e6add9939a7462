package dev.p2g.encode;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.p2g.encode.ImageDecodeException.Reason;
import dev.p2g.field.FloatImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Decodes image bytes of any supported format into upright RGB model input; safe to share between threads. */
public final class ImageDecoder {
  private static final int FIRST_IMAGE = 0;
  private static final int SHOWN_BYTES = 8;
  // FloatImage is one Java array of 3 floats per pixel; arrays stop a little short of 2^31.
  private static final long MAX_ARRAY_PIXELS = (Integer.MAX_VALUE - 8L) / FloatImage.CHANNELS;
  private static final String SUPPORTED = "png, jpeg, gif, bmp, tiff, webp";
  private static final int MAX_CAUSES = 4;

  /**
   * 100 MP (10000 x 10000): large images are tiled, so what grows with the image is the decoded
   * raster a task holds while it encodes, 3 bytes per pixel at 8 bits (300 MB here) or 6 at 16.
   */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
  /**
   * Upright images above this many pixels keep the decoder's raster and are converted to floats
   * region by region (RgbSource.lazy): 4 MP is 48 MB of floats, about what one model run's input
   * and halo need at the default tile size anyway.
   */
  public static final long DEFAULT_LAZY_ABOVE = 4L << 20;

  private final long maxPixels;
  private final AlphaPolicy alphaPolicy;
  private final long lazyAbove;

  public ImageDecoder(long maxPixels, AlphaPolicy alphaPolicy) {
    this(maxPixels, alphaPolicy, DEFAULT_LAZY_ABOVE);
  }

  public ImageDecoder(long maxPixels, AlphaPolicy alphaPolicy, long lazyAbove) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive, was " + maxPixels);
    }
    this.maxPixels = maxPixels;
    this.alphaPolicy = Objects.requireNonNull(alphaPolicy, "alphaPolicy");
    this.lazyAbove = lazyAbove;
  }

  /** Decodes the first image in the bytes; nameHint (may be null) is used in messages only. */
  public DecodedImage decode(byte[] bytes, String nameHint) throws ImageDecodeException {
    if (bytes == null || bytes.length == 0) {
      throw new ImageDecodeException(Reason.EMPTY, "file is empty (0 bytes)");
    }
    ImageIoPlugins.ensureRegistered();
    // A stream over the array itself: no copy, no cache file, and a known length, which keeps
    // readers with weak signatures (WBMP) from claiming random bytes.
    ImageInputStream input = new ByteArrayImageInputStream(bytes);
    ImageReader reader = findReader(input, bytes, nameHint);
    String format = formatName(reader);
    try {
      reader.setInput(input);
      checkSize(reader, format);
      // TwelveMonkeys' lossless WebP decoder reads zeros past a truncated end instead of failing.
      String missing = "webp".equals(format) ? RiffLength.shortfall(bytes) : null;
      if (missing != null) {
        throw corrupt(format, missing, null);
      }
      ReadWarnings warnings = new ReadWarnings();
      reader.addIIOReadWarningListener(warnings);
      BufferedImage image = reader.read(FIRST_IMAGE);
      String damage = warnings.firstDamage();
      if (damage != null) {
        throw corrupt(format, damage, null);
      }
      // Only JPEG orientation is applied: that is where cameras put it and where viewers honour it.
      int orientation = "jpeg".equals(format) ? ExifOrientation.find(bytes) : ExifOrientation.NORMAL;
      if (orientation == ExifOrientation.NORMAL && (long) image.getWidth() * image.getHeight() > lazyAbove) {
        PixelConverter.Kind kind = PixelConverter.kind(image);
        return new DecodedImage(RgbSource.lazy(image, alphaPolicy), kind.hadAlpha(),
            kind.hadAlpha() ? alphaPolicy : null, format, kind.bitsPerSample(), orientation);
      }
      PixelConverter.Result pixels = PixelConverter.convert(image, alphaPolicy);
      FloatImage upright = ExifOrientation.apply(pixels.rgb(), orientation);
      return new DecodedImage(RgbSource.of(upright), pixels.hadAlpha(), pixels.hadAlpha() ? alphaPolicy : null,
          format, pixels.bitsPerSample(), orientation);
    } catch (IOException | RuntimeException e) {
      // Readers signal damaged data with IIOException and, on odd inputs, with any runtime exception.
      throw corrupt(format, describe(e), e);
    } finally {
      reader.dispose();
      closeQuietly(input);
    }
  }

  /**
   * The upright width and height of the image the bytes begin with, from its header alone (and,
   * for JPEG, its EXIF orientation), or null when the bytes hold no header a reader can size:
   * for planning work around large images, never a reason to refuse one (decode decides that).
   */
  public static int[] uprightSize(byte[] prefix) {
    if (prefix == null || prefix.length == 0) {
      return null;
    }
    ImageIoPlugins.ensureRegistered();
    ImageInputStream input = new ByteArrayImageInputStream(prefix);
    Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
    if (!readers.hasNext()) {
      closeQuietly(input);
      return null;
    }
    ImageReader reader = readers.next();
    try {
      reader.setInput(input);
      int width = reader.getWidth(FIRST_IMAGE);
      int height = reader.getHeight(FIRST_IMAGE);
      boolean jpeg = "jpeg".equals(formatName(reader));
      int orientation = jpeg ? ExifOrientation.find(prefix) : ExifOrientation.NORMAL;
      // orientations 5..8 swap the axes
      return width > 0 && height > 0 ? (orientation >= 5 ? new int[] {height, width} : new int[] {width, height})
          : null;
    } catch (IOException | RuntimeException e) {
      return null; // the header is past the prefix, or damaged: decode will tell
    } finally {
      reader.dispose();
      closeQuietly(input);
    }
  }

  private static ImageReader findReader(ImageInputStream input, byte[] bytes, String nameHint)
      throws ImageDecodeException {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
    if (!readers.hasNext()) {
      closeQuietly(input);
      String named = nameHint == null ? "" : " named '" + nameHint + "'";
      throw new ImageDecodeException(Reason.UNRECOGNISED, "not a recognised image" + named
          + " (first bytes: " + hexPrefix(bytes) + "); supported formats: " + SUPPORTED);
    }
    // The registry orders TwelveMonkeys' JPEG reader before the JDK's, which cannot read CMYK.
    return readers.next();
  }

  private void checkSize(ImageReader reader, String format) throws IOException, ImageDecodeException {
    int width = reader.getWidth(FIRST_IMAGE);
    int height = reader.getHeight(FIRST_IMAGE);
    if (width <= 0 || height <= 0) {
      throw corrupt(format, "header gives a size of " + width + "x" + height, null);
    }
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      throw new ImageDecodeException(Reason.TOO_LARGE, "image is " + width + "x" + height + " = "
          + pixels + " pixels, over the limit of " + maxPixels + " (--max-pixels)");
    }
    if (pixels > MAX_ARRAY_PIXELS) {
      throw new ImageDecodeException(Reason.TOO_LARGE, "image is " + width + "x" + height + " = "
          + pixels + " pixels, over the " + MAX_ARRAY_PIXELS + " one decoded image can hold");
    }
  }

  private static String formatName(ImageReader reader) {
    String name;
    try {
      name = reader.getFormatName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      name = reader.getOriginatingProvider().getFormatNames()[0].toLowerCase(Locale.ROOT);
    }
    return switch (name) {
      case "jpg" -> "jpeg";
      case "tif" -> "tiff";
      default -> name;
    };
  }

  private static ImageDecodeException corrupt(String format, String detail, Throwable cause) {
    return new ImageDecodeException(Reason.CORRUPT, "truncated or corrupt " + format + ": " + detail, cause);
  }

  /** The messages of an exception and its causes, which readers often split across the chain. */
  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder();
    Throwable t = e;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (text.indexOf(message) < 0) {
        if (text.length() > 0) {
          text.append(": ");
        }
        text.append(message);
      }
    }
    return text.toString();
  }

  private static String hexPrefix(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(SHOWN_BYTES, bytes.length); i++) {
      if (i > 0) {
        hex.append(' ');
      }
      hex.append(String.format(Locale.ROOT, "%02x", bytes[i] & 0xFF));
    }
    return hex.toString();
  }

  private static void closeQuietly(ImageInputStream input) {
    try {
      input.close();
    } catch (IOException ignored) {
      // A byte-array stream holds nothing to release.
    }
  }
}
