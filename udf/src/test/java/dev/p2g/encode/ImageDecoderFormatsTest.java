package dev.p2g.encode;

import static dev.p2g.encode.TestImages.MAX16;
import static dev.p2g.encode.TestImages.MAX8;
import static dev.p2g.encode.TestImages.assertClose;
import static dev.p2g.encode.TestImages.assertExact;
import static dev.p2g.encode.TestImages.greyScaled;
import static dev.p2g.encode.TestImages.pattern;
import static dev.p2g.encode.TestImages.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.TestImages.Samples;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import org.junit.jupiter.api.Test;

/** The lossless formats other than PNG: exact values, as for PNG. */
class ImageDecoderFormatsTest {
  private static final int W = 13;
  private static final int H = 7;

  private final ImageDecoder decoder = new ImageDecoder(1_000_000, AlphaPolicy.BLACK);

  private static final int[] COLOURS = new int[256];

  static {
    for (int i = 0; i < COLOURS.length; i++) {
      COLOURS[i] = (i * 0x2545F491) & 0xFFFFFF;
    }
  }

  private static final Samples INDEX = (x, y, band) -> (x * 37 + y * 101) % 256;

  private static BufferedImage paletteImage(int[] colours, Samples index) {
    IndexColorModel palette = TestImages.palette(8, colours, null);
    return TestImages.indexed(palette, W, H, index);
  }

  private static float paletteValue(int[] colours, Samples index, int c, int x, int y) {
    return ImageDecoderPngTest.channel(colours[index.at(x, y, 0)], c) / 255f;
  }

  // ---- BMP

  @Test
  void bmp24IsExact() throws Exception {
    Samples s = pattern(MAX8);
    DecodedImage d = decoder.decode(TestImages.write(TestImages.rgb8(W, H, s), "bmp"), "a.bmp");
    assertExact(d.rgb(), W, H, scaled(s, MAX8));
    assertEquals("bmp", d.format());
    assertEquals(8, d.bitsPerSample());
    assertFalse(d.hadAlpha());
  }

  @Test
  void bmpPaletteIsExact() throws Exception {
    DecodedImage d = decoder.decode(TestImages.write(paletteImage(COLOURS, INDEX), "bmp"), "p.bmp");
    assertExact(d.rgb(), W, H, (c, x, y) -> paletteValue(COLOURS, INDEX, c, x, y));
  }

  @Test
  void bmp565ScalesEachFieldToItsOwnMaximum() throws Exception {
    // 5-6-5 fields are neither 8- nor 16-bit; full scale is the only reading that keeps white white.
    Samples s = (x, y, band) -> band == 1 ? (x * 5 + y) % 64 : (x * 3 + y * 2 + band) % 32;
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_USHORT_565_RGB);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int band = 0; band < 3; band++) {
          image.getRaster().setSample(x, y, band, s.at(x, y, band));
        }
      }
    }
    DecodedImage d = decoder.decode(TestImages.write(image, "bmp"), "565.bmp");
    assertExact(d.rgb(), W, H, (c, x, y) -> s.at(x, y, c) / (c == 1 ? 63f : 31f));
  }

  // ---- GIF

  @Test
  void gifPaletteIsExact() throws Exception {
    DecodedImage d = decoder.decode(TestImages.write(paletteImage(COLOURS, INDEX), "gif"), "p.gif");
    assertExact(d.rgb(), W, H, (c, x, y) -> paletteValue(COLOURS, INDEX, c, x, y));
    assertEquals("gif", d.format());
    assertFalse(d.hadAlpha());
  }

  @Test
  void animatedGifGivesItsFirstFrame() throws Exception {
    Samples second = (x, y, band) -> (INDEX.at(x, y, band) + 128) % 256;
    byte[] gif = TestImages.animatedGif(paletteImage(COLOURS, INDEX), paletteImage(COLOURS, second));
    DecodedImage d = decoder.decode(gif, "anim.gif");
    assertExact(d.rgb(), W, H, (c, x, y) -> paletteValue(COLOURS, INDEX, c, x, y));
  }

  // ---- TIFF

  @Test
  void tiffRgb8IsExact() throws Exception {
    Samples s = pattern(MAX8);
    DecodedImage d = decoder.decode(TestImages.write(TestImages.rgb8(W, H, s), "tiff"), "a.tif");
    assertExact(d.rgb(), W, H, scaled(s, MAX8));
    assertEquals("tiff", d.format());
    assertEquals(8, d.bitsPerSample());
  }

  @Test
  void tiffRgb16IsExact() throws Exception {
    Samples s = pattern(MAX16);
    DecodedImage d = decoder.decode(TestImages.writeWithJdk(TestImages.rgb16(W, H, s), "tiff"), "a16.tif");
    assertExact(d.rgb(), W, H, scaled(s, MAX16));
    assertEquals(16, d.bitsPerSample());
  }

  @Test
  void tiffGrey8IsExactAndReplicated() throws Exception {
    Samples s = pattern(MAX8);
    DecodedImage d = decoder.decode(TestImages.write(TestImages.grey8(W, H, s), "tiff"), "g.tif");
    assertExact(d.rgb(), W, H, greyScaled(s, MAX8));
  }

  @Test
  void tiffGrey16IsExactAndReplicated() throws Exception {
    Samples s = pattern(MAX16);
    DecodedImage d = decoder.decode(TestImages.write(TestImages.grey16(W, H, s), "tiff"), "g16.tif");
    assertExact(d.rgb(), W, H, greyScaled(s, MAX16));
    assertEquals(16, d.bitsPerSample());
  }

  @Test
  void tiffRgba16IsComposited() throws Exception {
    Samples colour = pattern(MAX16);
    Samples s = (x, y, band) -> band == 3 ? (x * 4099 + y * 9001) % (MAX16 + 1) : colour.at(x, y, band);
    DecodedImage d = decoder.decode(TestImages.writeWithJdk(TestImages.rgba16(W, H, s), "tiff"), "a.tif");
    assertTrue(d.hadAlpha());
    assertClose(d.rgb(), W, H, (c, x, y) -> s.at(x, y, c) / 65535f * (s.at(x, y, 3) / 65535f), 1e-6f);
  }

  @Test
  void tiffCmykGoesThroughColourConversion() throws Exception {
    // The one path where Java2D converts colours: TwelveMonkeys reads CMYK TIFF as CMYK, with its
    // own uncalibrated CMYK space when the file has no profile (R = (1 - C)(1 - K) and so on).
    ColorSpace cmyk = ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
    ComponentColorModel cm = new ComponentColorModel(cmyk, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    BufferedImage image = new BufferedImage(cm, cm.createCompatibleWritableRaster(W, H), false, null);
    int[][] inks = {{0, 0, 0, 0}, {255, 0, 0, 0}, {0, 0, 0, 255}, {0, 255, 255, 0}, {0, 0, 255, 0}};
    float[][] rgb = {{1, 1, 1}, {0, 1, 1}, {0, 0, 0}, {1, 0, 0}, {1, 1, 0}};
    Samples which = (x, y, band) -> (x + y) % inks.length;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        image.getRaster().setPixel(x, y, inks[which.at(x, y, 0)]);
      }
    }
    DecodedImage d = decoder.decode(TestImages.write(image, "tiff"), "cmyk.tif");
    assertClose(d.rgb(), W, H, (c, x, y) -> rgb[which.at(x, y, 0)][c], 1f / 255f);
    assertEquals(8, d.bitsPerSample());
    assertFalse(d.hadAlpha());
  }

  // ---- WebP (read only: the bytes come from a minimal lossless encoder in the tests)

  @Test
  void webpLosslessIsExact() throws Exception {
    Samples s = pattern(MAX8);
    int[] argb = argb(s, (x, y) -> MAX8);
    DecodedImage d = decoder.decode(WebPLossless.encode(W, H, argb, false), "a.webp");
    assertExact(d.rgb(), W, H, scaled(s, MAX8));
    assertEquals("webp", d.format());
    assertEquals(8, d.bitsPerSample());
  }

  @Test
  void webpLosslessAlphaIsComposited() throws Exception {
    Samples s = pattern(MAX8);
    int[] argb = argb(s, (x, y) -> (x * 20 + y * 3) % 256);
    DecodedImage d = new ImageDecoder(1_000_000, AlphaPolicy.WHITE)
        .decode(WebPLossless.encode(W, H, argb, true), "a.webp");
    assertTrue(d.hadAlpha());
    assertClose(d.rgb(), W, H, (c, x, y) -> {
      float a = ((x * 20 + y * 3) % 256) / 255f;
      return s.at(x, y, c) / 255f * a + (1f - a);
    }, 1e-6f);
  }

  private interface AlphaAt {
    int at(int x, int y);
  }

  private static int[] argb(Samples s, AlphaAt alpha) {
    int[] argb = new int[W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        argb[y * W + x] = alpha.at(x, y) << 24 | s.at(x, y, 0) << 16 | s.at(x, y, 1) << 8 | s.at(x, y, 2);
      }
    }
    return argb;
  }
}
