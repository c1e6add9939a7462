package dev.p2g.encode;

import dev.p2g.field.FloatImage;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/** Turns a decoded image into planar RGB in [0,1] from its raw samples, applying the alpha policy. */
final class PixelConverter {
  private static final int RGB_COMPONENTS = 3;
  private static final int GREY_COMPONENTS = 1;
  private static final int PALETTE_BITS = 8;
  private static final float PALETTE_MAX = 255f;
  // Below 2^24 an integer sample and its maximum are exact floats, so one float division is
  // exactly rounded (v / 255f, v / 65535f), the values the model contract names.
  private static final int EXACT_FLOAT_BITS = 24;
  private static final long UNSIGNED_INT_MASK = 0xFFFF_FFFFL;

  record Result(FloatImage rgb, boolean hadAlpha, int bitsPerSample) {}

  /** What convert would report of an image, without converting it. */
  record Kind(boolean hadAlpha, int bitsPerSample) {}

  static Kind kind(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    return new Kind(cm instanceof IndexColorModel palette ? palette.hasAlpha() : cm.hasAlpha(), colourBits(cm));
  }

  private PixelConverter() {}

  static Result convert(BufferedImage image, AlphaPolicy policy) throws ImageDecodeException {
    ColorModel cm = image.getColorModel();
    if (cm instanceof IndexColorModel palette) {
      return fromPalette(image.getRaster(), palette, policy);
    }
    if (readableAsIs(cm, image.getRaster())) {
      return fromSamples(image.getRaster(), cm, policy, colourBits(cm));
    }
    // CMYK, Lab and the like: let Java2D do the colour conversion, keeping the source's depth on
    // record. RGB and grey never come here, so their raw values reach the model unmanaged.
    BufferedImage srgb = new BufferedImage(image.getWidth(), image.getHeight(),
        cm.hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    new ColorConvertOp(null).filter(image, srgb);
    return fromSamples(srgb.getRaster(), srgb.getColorModel(), policy, colourBits(cm));
  }

  private static boolean readableAsIs(ColorModel cm, Raster raster) {
    if (!(cm instanceof ComponentColorModel || cm instanceof DirectColorModel)) {
      return false;
    }
    int spaceType = cm.getColorSpace().getType();
    int colours = cm.getNumColorComponents();
    boolean rgbOrGrey = (spaceType == ColorSpace.TYPE_RGB && colours == RGB_COMPONENTS)
        || (spaceType == ColorSpace.TYPE_GRAY && colours == GREY_COMPONENTS);
    int type = raster.getTransferType();
    boolean knownRange = type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT
        || type == DataBuffer.TYPE_INT || type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE;
    return rgbOrGrey && knownRange && raster.getNumBands() == cm.getNumComponents();
  }

  private static int colourBits(ColorModel cm) {
    if (cm instanceof IndexColorModel) {
      return PALETTE_BITS;
    }
    int bits = 0;
    for (int i = 0; i < cm.getNumColorComponents(); i++) {
      bits = Math.max(bits, cm.getComponentSize(i));
    }
    return bits;
  }

  private static Result fromPalette(Raster raster, IndexColorModel palette, AlphaPolicy policy)
      throws ImageDecodeException {
    int size = palette.getMapSize();
    float[] red = new float[size];
    float[] green = new float[size];
    float[] blue = new float[size];
    float[] alpha = new float[size];
    for (int i = 0; i < size; i++) {
      red[i] = palette.getRed(i) / PALETTE_MAX;
      green[i] = palette.getGreen(i) / PALETTE_MAX;
      blue[i] = palette.getBlue(i) / PALETTE_MAX;
      alpha[i] = palette.getAlpha(i) / PALETTE_MAX;
    }
    boolean hasAlpha = palette.hasAlpha();
    int w = raster.getWidth();
    int h = raster.getHeight();
    RowWriter out = new RowWriter(w, h, policy, false);
    int[] index = new int[w];
    float[] r = new float[w];
    float[] g = new float[w];
    float[] b = new float[w];
    float[] a = hasAlpha ? new float[w] : null;
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, index);
      for (int x = 0; x < w; x++) {
        int i = index[x];
        if (i < 0 || i >= size) {
          throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT,
              "corrupt image: pixel (" + x + ", " + y + ") uses palette entry " + i
                  + " of a palette with " + size);
        }
        r[x] = red[i];
        g[x] = green[i];
        b[x] = blue[i];
        if (a != null) {
          a[x] = alpha[i];
        }
      }
      out.write(y, r, g, b, a);
    }
    return new Result(out.image(), hasAlpha, PALETTE_BITS);
  }

  private static Result fromSamples(Raster raster, ColorModel cm, AlphaPolicy policy, int bits)
      throws ImageDecodeException {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int colours = cm.getNumColorComponents();
    boolean hasAlpha = cm.hasAlpha();
    RowWriter out = new RowWriter(w, h, policy, cm.isAlphaPremultiplied());
    BandReader reader = new BandReader(raster, cm);
    float[][] colour = new float[colours][w];
    float[] a = hasAlpha ? new float[w] : null;
    for (int y = 0; y < h; y++) {
      for (int band = 0; band < colours; band++) {
        reader.read(y, band, colour[band]);
      }
      if (a != null) {
        reader.read(y, colours, a); // alpha is the band after the colours in both colour models
      }
      if (colours == GREY_COMPONENTS) {
        out.write(y, colour[0], colour[0], colour[0], a);
      } else {
        out.write(y, colour[0], colour[1], colour[2], a);
      }
    }
    return new Result(out.image(), hasAlpha, bits);
  }

  /** Reads one band of one row as values in [0,1], whatever the sample depth. */
  private static final class BandReader {
    private final Raster raster;
    private final ColorModel cm;
    private final boolean floating;
    private final int[] ints;
    private final float[] floats;

    BandReader(Raster raster, ColorModel cm) {
      this.raster = raster;
      this.cm = cm;
      int type = raster.getTransferType();
      this.floating = type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE;
      this.ints = floating ? null : new int[raster.getWidth()];
      this.floats = floating ? new float[raster.getWidth()] : null;
    }

    void read(int y, int band, float[] out) {
      int w = raster.getWidth();
      int row = raster.getMinY() + y;
      if (floating) {
        // Float colour models are normalised already; clamp what lies outside the contract.
        raster.getSamples(raster.getMinX(), row, w, 1, band, floats);
        for (int x = 0; x < w; x++) {
          float v = floats[x];
          out[x] = v > 0f ? Math.min(v, 1f) : 0f;
        }
        return;
      }
      raster.getSamples(raster.getMinX(), row, w, 1, band, ints);
      int bits = cm.getComponentSize(band);
      if (bits <= EXACT_FLOAT_BITS) {
        float max = (1 << bits) - 1;
        for (int x = 0; x < w; x++) {
          out[x] = ints[x] / max;
        }
      } else {
        double max = (double) ((1L << bits) - 1);
        for (int x = 0; x < w; x++) {
          out[x] = (float) ((ints[x] & UNSIGNED_INT_MASK) / max);
        }
      }
    }
  }

  /** Composites each row according to the alpha policy and stores it into the planar image. */
  private static final class RowWriter {
    private final int width;
    private final int plane;
    private final float[] data;
    private final AlphaPolicy policy;
    private final boolean premultiplied;

    RowWriter(int width, int height, AlphaPolicy policy, boolean premultiplied) {
      this.width = width;
      this.plane = Math.multiplyExact(width, height);
      this.data = new float[Math.multiplyExact(plane, FloatImage.CHANNELS)];
      this.policy = policy;
      this.premultiplied = premultiplied;
    }

    void write(int y, float[] r, float[] g, float[] b, float[] alpha) throws ImageDecodeException {
      int base = y * width;
      for (int x = 0; x < width; x++) {
        float rv = r[x];
        float gv = g[x];
        float bv = b[x];
        if (alpha != null) {
          float a = alpha[x];
          if (policy == AlphaPolicy.REJECT && a < 1f) {
            throw new ImageDecodeException(ImageDecodeException.Reason.ALPHA_REJECTED,
                "image has transparent pixels (first at x=" + x + ", y=" + y + ", alpha " + a
                    + ") and the alpha policy is reject; use black or white to composite them");
          }
          if (!premultiplied) {
            rv *= a;
            gv *= a;
            bv *= a;
          }
          if (policy == AlphaPolicy.WHITE) {
            float background = 1f - a;
            rv += background;
            gv += background;
            bv += background;
          }
        }
        data[base + x] = rv;
        data[plane + base + x] = gv;
        data[2 * plane + base + x] = bv;
      }
    }

    FloatImage image() {
      return new FloatImage(width, plane / width, data);
    }
  }
}
