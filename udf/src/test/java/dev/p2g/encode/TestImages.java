package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.p2g.field.FloatImage;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Builds test images in memory with known samples, encodes them, and checks decoded floats. */
public final class TestImages {
  static final int MAX8 = 255;
  static final int MAX16 = 65535;

  /** A sample value for (x, y, band) in [0, max]. */
  @FunctionalInterface
  interface Samples {
    int at(int x, int y, int band);
  }

  /** An expected model value for (channel, x, y). */
  @FunctionalInterface
  interface Expected {
    float at(int c, int x, int y);
  }

  private TestImages() {}

  /** Scattered values over the whole range; (0,0) is 0 and (1,0) the maximum, so both ends occur. */
  static Samples pattern(int max) {
    return (x, y, band) -> {
      if (y == 0 && x <= 1) {
        return x == 0 ? 0 : max;
      }
      return (int) ((x * 7919L + y * 104_729L + band * 15_485_863L) % (max + 1));
    };
  }

  static BufferedImage rgb8(int w, int h, Samples s) {
    return fill(new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR), s, 3);
  }

  static BufferedImage rgba8(int w, int h, Samples s) {
    return fill(new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR), s, 4);
  }

  static BufferedImage grey8(int w, int h, Samples s) {
    return fill(new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY), s, 1);
  }

  static BufferedImage grey16(int w, int h, Samples s) {
    return fill(new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY), s, 1);
  }

  static BufferedImage rgb16(int w, int h, Samples s) {
    return component(ColorSpace.CS_sRGB, false, DataBuffer.TYPE_USHORT, w, h, s);
  }

  static BufferedImage rgba16(int w, int h, Samples s) {
    return component(ColorSpace.CS_sRGB, true, DataBuffer.TYPE_USHORT, w, h, s);
  }

  static BufferedImage greyAlpha8(int w, int h, Samples s) {
    return component(ColorSpace.CS_GRAY, true, DataBuffer.TYPE_BYTE, w, h, s);
  }

  private static BufferedImage component(int space, boolean alpha, int type, int w, int h, Samples s) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(space), alpha, false,
        alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, type);
    BufferedImage image = new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
    return fill(image, s, cm.getNumComponents());
  }

  /** A palette image; each pixel's index comes from band 0 of the samples. */
  static BufferedImage indexed(IndexColorModel palette, int w, int h, Samples index) {
    BufferedImage image = palette.getMapSize() <= 16
        ? new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, palette)
        : new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, palette);
    return fill(image, index, 1);
  }

  static IndexColorModel palette(int bits, int[] rgb, int[] alpha) {
    int n = rgb.length;
    byte[] r = new byte[n];
    byte[] g = new byte[n];
    byte[] b = new byte[n];
    byte[] a = new byte[n];
    for (int i = 0; i < n; i++) {
      r[i] = (byte) (rgb[i] >> 16);
      g[i] = (byte) (rgb[i] >> 8);
      b[i] = (byte) rgb[i];
      a[i] = (byte) (alpha == null ? MAX8 : alpha[i]);
    }
    return new IndexColorModel(bits, n, r, g, b, a);
  }

  private static BufferedImage fill(BufferedImage image, Samples s, int bands) {
    WritableRaster raster = image.getRaster();
    assertEquals(bands, raster.getNumBands(), "test image layout");
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        for (int band = 0; band < bands; band++) {
          raster.setSample(x, y, band, s.at(x, y, band));
        }
      }
    }
    return image;
  }

  // ---- encoding

  static byte[] write(BufferedImage image, String format) {
    return write(image, firstWriter(format), null);
  }

  /** With the JDK's own writer, for layouts TwelveMonkeys cannot write (16-bit RGB TIFF). */
  static byte[] writeWithJdk(BufferedImage image, String format) {
    ImageIoPlugins.ensureRegistered();
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    while (writers.hasNext()) {
      ImageWriter writer = writers.next();
      if (writer.getClass().getName().startsWith("com.sun.imageio.")) {
        return write(image, writer, null);
      }
      writer.dispose();
    }
    throw new AssertionError("no JDK writer for " + format);
  }

  static byte[] jpeg(BufferedImage image, float quality, boolean progressive) {
    ImageWriter writer = firstWriter("jpeg");
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    if (progressive) {
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    return write(image, writer, param);
  }

  /**
   * A four-channel JPEG tagged as Adobe CMYK (APP14, transform 0). The JDK writer stores a raster's
   * bands untransformed but writes no Adobe segment, so one is added. Inks are stored inverted, as
   * Photoshop does and as readers of Adobe CMYK expect.
   */
  static byte[] cmykJpeg(int w, int h, Samples inks) {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int band = 0; band < 4; band++) {
          raster.setSample(x, y, band, MAX8 - inks.at(x, y, band));
        }
      }
    }
    ImageWriter writer = firstWriter("jpeg");
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(1f);
    byte[] plain = write(new IIOImage(raster, null, null), writer, param);
    byte[] adobe = ascii("Adobe");
    byte[] body = Arrays.copyOf(adobe, adobe.length + 7);
    body[adobe.length + 1] = 100; // version 100; flags 0, 0; transform 0: CMYK as stored
    return insertAfterSoi(plain, jpegSegment(0xEE, body));
  }

  /** Two frames written as an animated GIF. */
  static byte[] animatedGif(BufferedImage first, BufferedImage second) {
    ImageWriter writer = firstWriter("gif");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.prepareWriteSequence(null);
      writer.writeToSequence(new IIOImage(first, null, null), null);
      writer.writeToSequence(new IIOImage(second, null, null), null);
      writer.endWriteSequence();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static byte[] write(BufferedImage image, ImageWriter writer, ImageWriteParam param) {
    return write(new IIOImage(image, null, null), writer, param);
  }

  private static byte[] write(IIOImage image, ImageWriter writer, ImageWriteParam param) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, image, param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    byte[] bytes = out.toByteArray();
    assertTrue(bytes.length > 0, writer.getClass().getName() + " wrote nothing");
    return bytes;
  }

  private static ImageWriter firstWriter(String format) {
    ImageIoPlugins.ensureRegistered();
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    assertTrue(writers.hasNext(), "no ImageIO writer for " + format);
    return writers.next();
  }

  // ---- hand-made bytes

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A JPEG marker segment: FF, marker, big-endian length (which counts itself), body. */
  static byte[] jpegSegment(int marker, byte[] body) {
    int length = body.length + 2;
    byte[] segment = new byte[body.length + 4];
    segment[0] = (byte) 0xFF;
    segment[1] = (byte) marker;
    segment[2] = (byte) (length >> 8);
    segment[3] = (byte) length;
    System.arraycopy(body, 0, segment, 4, body.length);
    return segment;
  }

  public static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
    assertTrue((jpeg[0] & 0xFF) == 0xFF && (jpeg[1] & 0xFF) == 0xD8, "not a JPEG");
    byte[] out = new byte[jpeg.length + segment.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(segment, 0, out, 2, segment.length);
    System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
    return out;
  }

  /** An APP1 Exif segment whose TIFF block holds one IFD with one entry: Orientation (SHORT). */
  public static byte[] exifOrientation(int orientation, boolean littleEndian) {
    ByteArrayOutputStream tiff = new ByteArrayOutputStream();
    Endian out = new Endian(tiff, littleEndian);
    tiff.writeBytes(ascii(littleEndian ? "II" : "MM"));
    out.u16(42);
    out.u32(8); // the first IFD follows the 8-byte header
    out.u16(1); // one entry
    out.u16(0x0112); // Orientation
    out.u16(3); // SHORT
    out.u32(1); // count
    out.u16(orientation); // a SHORT sits in the first two bytes of the value field
    out.u16(0);
    out.u32(0); // no next IFD
    byte[] id = {'E', 'x', 'i', 'f', 0, 0};
    byte[] body = Arrays.copyOf(id, id.length + tiff.size());
    System.arraycopy(tiff.toByteArray(), 0, body, id.length, tiff.size());
    return jpegSegment(0xE1, body);
  }

  /** Writes unsigned integers in either byte order. */
  private record Endian(ByteArrayOutputStream out, boolean little) {
    void u16(int v) {
      if (little) {
        out.write(v);
        out.write(v >> 8);
      } else {
        out.write(v >> 8);
        out.write(v);
      }
    }

    void u32(long v) {
      if (little) {
        u16((int) (v & 0xFFFF));
        u16((int) (v >>> 16));
      } else {
        u16((int) (v >>> 16));
        u16((int) (v & 0xFFFF));
      }
    }
  }

  /** A PNG chunk: big-endian length, type, data, CRC-32 over type and data. */
  static byte[] pngChunk(String type, byte[] data) {
    ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    Endian out = new Endian(chunk, false);
    out.u32(data.length);
    byte[] typed = Arrays.copyOf(ascii(type), 4 + data.length);
    System.arraycopy(data, 0, typed, 4, data.length);
    chunk.writeBytes(typed);
    CRC32 crc = new CRC32();
    crc.update(typed);
    out.u32(crc.getValue());
    return chunk.toByteArray();
  }

  /** The PNG with one more chunk right after its IHDR (where tRNS and eXIf may go: before IDAT). */
  static byte[] withChunkAfterIhdr(byte[] png, byte[] chunk) {
    int afterIhdr = 8 + 8 + 13 + 4; // signature, then IHDR: length and type, 13 bytes of data, CRC
    byte[] out = new byte[png.length + chunk.length];
    System.arraycopy(png, 0, out, 0, afterIhdr);
    System.arraycopy(chunk, 0, out, afterIhdr, chunk.length);
    System.arraycopy(png, afterIhdr, out, afterIhdr + chunk.length, png.length - afterIhdr);
    return out;
  }

  /** A PNG that is only a signature, an IHDR (8-bit RGB) claiming the given size, and IEND. */
  static byte[] pngHeaderOnly(int width, int height) {
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    Endian out = new Endian(ihdr, false);
    out.u32(width);
    out.u32(height);
    ihdr.writeBytes(new byte[] {8, 2, 0, 0, 0}); // depth 8, colour type RGB, deflate, filter 0, no interlace
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    png.writeBytes(pngChunk("IHDR", ihdr.toByteArray()));
    png.writeBytes(pngChunk("IEND", new byte[0]));
    return png.toByteArray();
  }

  // ---- checks

  /** Every value must equal the expected float exactly: lossless formats give v / max. */
  static void assertExact(FloatImage image, int width, int height, Expected expected) {
    assertClose(image, width, height, expected, 0f);
  }

  /** Every value within tolerance of the expected one; reports the first that is not. */
  static void assertClose(FloatImage image, int width, int height, Expected expected, float tolerance) {
    assertEquals(width, image.width(), "width");
    assertEquals(height, image.height(), "height");
    for (int c = 0; c < FloatImage.CHANNELS; c++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float want = expected.at(c, x, y);
          float got = image.get(c, x, y);
          boolean ok = tolerance == 0f ? Float.compare(want, got) == 0 : Math.abs(want - got) <= tolerance;
          if (!ok) {
            fail("channel " + c + " at (" + x + ", " + y + "): expected " + want + " but was " + got
                + (tolerance == 0f ? "" : " (tolerance " + tolerance + ")"));
          }
        }
      }
    }
  }

  /** The mean absolute difference from the expected values, over all channels. */
  static double meanError(FloatImage image, Expected expected) {
    double sum = 0;
    for (int c = 0; c < FloatImage.CHANNELS; c++) {
      for (int y = 0; y < image.height(); y++) {
        for (int x = 0; x < image.width(); x++) {
          sum += Math.abs(expected.at(c, x, y) - image.get(c, x, y));
        }
      }
    }
    return sum / ((double) FloatImage.CHANNELS * image.width() * image.height());
  }

  /** The value a sample of the given depth must reach the model as. */
  static Expected scaled(Samples s, int max) {
    return (c, x, y) -> s.at(x, y, c) / (float) max;
  }

  /** Grey samples, replicated to R, G and B. */
  static Expected greyScaled(Samples s, int max) {
    return (c, x, y) -> s.at(x, y, 0) / (float) max;
  }
}
