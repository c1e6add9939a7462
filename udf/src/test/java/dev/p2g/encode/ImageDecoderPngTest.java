package dev.p2g.encode;

import static dev.p2g.encode.TestImages.MAX16;
import static dev.p2g.encode.TestImages.MAX8;
import static dev.p2g.encode.TestImages.assertExact;
import static dev.p2g.encode.TestImages.greyScaled;
import static dev.p2g.encode.TestImages.pattern;
import static dev.p2g.encode.TestImages.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.p2g.encode.TestImages.Samples;
import java.awt.image.IndexColorModel;
import org.junit.jupiter.api.Test;

/** PNG is lossless: every sample must reach the model as exactly v / 255 or v / 65535. */
class ImageDecoderPngTest {
  // Odd, non-square sizes catch swapped axes and row-stride slips.
  private static final int W = 13;
  private static final int H = 7;

  private final ImageDecoder decoder = new ImageDecoder(1_000_000, AlphaPolicy.BLACK);

  @Test
  void rgb8IsExact() throws Exception {
    Samples s = pattern(MAX8);
    DecodedImage d = decoder.decode(TestImages.write(TestImages.rgb8(W, H, s), "png"), "rgb8.png");
    assertExact(d.rgb(), W, H, scaled(s, MAX8));
    assertOpaque(d, 8);
  }

  @Test
  void rgb16IsExact() throws Exception {
    Samples s = pattern(MAX16);
    DecodedImage d = decoder.decode(TestImages.write(TestImages.rgb16(W, H, s), "png"), "rgb16.png");
    assertExact(d.rgb(), W, H, scaled(s, MAX16));
    assertOpaque(d, 16);
  }

  @Test
  void grey8IsExactAndReplicated() throws Exception {
    Samples s = pattern(MAX8);
    DecodedImage d = decoder.decode(TestImages.write(TestImages.grey8(W, H, s), "png"), "grey8.png");
    // A colour-managed path would move mid greys (CS_GRAY is linear, sRGB is not): 128 would not stay 128/255.
    assertExact(d.rgb(), W, H, greyScaled(s, MAX8));
    assertOpaque(d, 8);
  }

  @Test
  void grey16IsExactAndReplicated() throws Exception {
    Samples s = pattern(MAX16);
    DecodedImage d = decoder.decode(TestImages.write(TestImages.grey16(W, H, s), "png"), "grey16.png");
    assertExact(d.rgb(), W, H, greyScaled(s, MAX16));
    assertOpaque(d, 16);
  }

  @Test
  void grey4BitScalesToItsOwnMaximum() throws Exception {
    // Low-depth grey PNGs come back as a grey-ramp palette; v / 15 is what any viewer shows.
    int[] ramp = new int[16];
    for (int i = 0; i < ramp.length; i++) {
      int v = i * 17;
      ramp[i] = v << 16 | v << 8 | v;
    }
    Samples s = pattern(15);
    byte[] png = TestImages.write(TestImages.indexed(TestImages.palette(4, ramp, null), W, H, s), "png");
    DecodedImage d = decoder.decode(png, "grey4.png");
    assertExact(d.rgb(), W, H, (c, x, y) -> s.at(x, y, 0) / 15f);
    assertFalse(d.hadAlpha());
  }

  @Test
  void paletteIsExpandedExactly() throws Exception {
    int[] colours = new int[200];
    for (int i = 0; i < colours.length; i++) {
      colours[i] = (i * 0x9E3779B1) & 0xFFFFFF; // scattered colours, no ramp a bug could fake
    }
    IndexColorModel palette = TestImages.palette(8, colours, null);
    Samples index = (x, y, band) -> (x * 31 + y * 17) % colours.length;
    DecodedImage d = decoder.decode(TestImages.write(TestImages.indexed(palette, W, H, index), "png"), "p.png");
    assertExact(d.rgb(), W, H, (c, x, y) -> channel(colours[index.at(x, y, 0)], c) / 255f);
    assertOpaque(d, 8);
  }

  @Test
  void twoBitPaletteIsExpandedExactly() throws Exception {
    int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0x123456};
    Samples index = (x, y, band) -> (x + 2 * y) % 4;
    byte[] png = TestImages.write(TestImages.indexed(TestImages.palette(2, colours, null), W, H, index), "png");
    DecodedImage d = decoder.decode(png, "p2.png");
    assertExact(d.rgb(), W, H, (c, x, y) -> channel(colours[index.at(x, y, 0)], c) / 255f);
  }

  static int channel(int rgb, int c) {
    return rgb >> (16 - 8 * c) & 0xFF;
  }

  private static void assertOpaque(DecodedImage d, int bits) {
    assertEquals("png", d.format());
    assertEquals(bits, d.bitsPerSample());
    assertFalse(d.hadAlpha());
    assertNull(d.alphaApplied());
    assertEquals(ExifOrientation.NORMAL, d.orientation());
  }
}
