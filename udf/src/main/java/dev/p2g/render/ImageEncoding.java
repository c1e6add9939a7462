package dev.p2g.render;

import dev.p2g.field.FloatImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Rendered float images to 8-bit RGB files. */
public final class ImageEncoding {
  /** High enough that JPEG artefacts stay under the pyramid's own resampling error. */
  private static final float JPEG_QUALITY = 0.92f;

  private ImageEncoding() {}

  /**
   * v in [0, 1] to 0..255, rounding half up, as the PSNR checks assume: v clamped to [0, 1], times
   * 255, plus 0.5, floored. Clamped after the cast, in ints, which gives the same for every float
   * (the cast truncates towards zero and takes NaN to 0) and took 30 % less time than float
   * clamps (docs/benchmarks.md, issue 33).
   */
  public static int quantize(float v) {
    return Math.min(255, Math.max(0, (int) (v * 255f + 0.5f)));
  }

  public static BufferedImage toRgb8(FloatImage img) {
    int w = img.width();
    int h = img.height();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    float[] d = img.data();
    int plane = w * h;
    for (int i = 0; i < plane; i++) {
      bgr[3 * i] = (byte) quantize(d[2 * plane + i]);
      bgr[3 * i + 1] = (byte) quantize(d[plane + i]);
      bgr[3 * i + 2] = (byte) quantize(d[i]);
    }
    return out;
  }

  /**
   * An 8-bit image (as toRgb8 makes) to the bytes of a file in format: PNG by PngRowWriter
   * (ImageIO's PNG writer took 3.4 times as long, docs/benchmarks.md "PNG writing"), JPEG by ImageIO.
   */
  public static byte[] encode(BufferedImage rgb, OutputFormat format) {
    return format == OutputFormat.PNG ? png(rgb) : encodeWithImageIo(rgb, format);
  }

  private static byte[] png(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(w * h);
    byte[] row = new byte[3 * w];
    boolean bgr = img.getType() == BufferedImage.TYPE_3BYTE_BGR;
    byte[] data = bgr ? ((DataBufferByte) img.getRaster().getDataBuffer()).getData() : null;
    int[] argb = bgr ? null : new int[w];
    try (PngRowWriter png = new PngRowWriter(bytes, w, h)) {
      for (int y = 0; y < h; y++) {
        if (bgr) {
          for (int i = 0, o = 3 * w * y; i < row.length; i += 3, o += 3) {
            row[i] = data[o + 2];
            row[i + 1] = data[o + 1];
            row[i + 2] = data[o];
          }
        } else {
          img.getRGB(0, y, w, 1, argb, 0, w);
          for (int x = 0; x < w; x++) {
            row[3 * x] = (byte) (argb[x] >> 16);
            row[3 * x + 1] = (byte) (argb[x] >> 8);
            row[3 * x + 2] = (byte) argb[x];
          }
        }
        png.row(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** The file by ImageIO's writer for format: JPEG's encoder, and the PNG benchmark's baseline. */
  public static byte[] encodeWithImageIo(BufferedImage rgb, OutputFormat format) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format.imageIoName());
    if (!writers.hasNext()) {
      throw new IllegalStateException("no ImageIO writer for " + format);
    }
    ImageWriter writer = writers.next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format == OutputFormat.JPG) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(JPEG_QUALITY);
      }
      writer.write(null, new IIOImage(rgb, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
