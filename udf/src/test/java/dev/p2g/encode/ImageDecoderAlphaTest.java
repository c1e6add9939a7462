package dev.p2g.encode;

import static dev.p2g.encode.TestImages.MAX16;
import static dev.p2g.encode.TestImages.MAX8;
import static dev.p2g.encode.TestImages.assertClose;
import static dev.p2g.encode.TestImages.assertExact;
import static dev.p2g.encode.TestImages.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.TestImages.Expected;
import dev.p2g.encode.TestImages.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Alpha policies: BLACK gives rgb·a, WHITE rgb·a + (1 − a), REJECT refuses any pixel with a < 1.
 * An alpha channel that is opaque everywhere still counts as alpha (hadAlpha, alphaApplied are
 * recorded, since the file declares it) but leaves the pixels exactly as they are, and REJECT
 * accepts it: only transparency that is actually there is refused.
 */
class ImageDecoderAlphaTest {
  private static final int W = 9;
  private static final int H = 5;
  /** Compositing is float arithmetic on exact inputs; allow its last-bit rounding only. */
  private static final float ROUNDING = 1e-6f;

  /** Colour from the pattern; alpha runs through 0, the maximum and values between. */
  private static Samples withAlpha(int max, int alphaBand) {
    Samples colour = TestImages.pattern(max);
    int last = (W - 1) * 5 + (H - 1) * 3;
    return (x, y, band) -> band == alphaBand ? (x * 5 + y * 3) * max / last : colour.at(x, y, band);
  }

  private static Expected composite(Samples s, int max, AlphaPolicy policy, int colourBands) {
    return (c, x, y) -> {
      float v = s.at(x, y, colourBands == 1 ? 0 : c) / (float) max;
      float a = s.at(x, y, colourBands) / (float) max;
      return policy == AlphaPolicy.WHITE ? v * a + (1f - a) : v * a;
    };
  }

  @ParameterizedTest
  @EnumSource(value = AlphaPolicy.class, names = {"BLACK", "WHITE"})
  void rgba8IsComposited(AlphaPolicy policy) throws Exception {
    Samples s = withAlpha(MAX8, 3);
    byte[] png = TestImages.write(TestImages.rgba8(W, H, s), "png");
    DecodedImage d = new ImageDecoder(1_000_000, policy).decode(png, "rgba8.png");
    assertClose(d.rgb(), W, H, composite(s, MAX8, policy, 3), ROUNDING);
    assertTrue(d.hadAlpha());
    assertEquals(policy, d.alphaApplied());
    assertEquals(8, d.bitsPerSample());
  }

  @ParameterizedTest
  @EnumSource(value = AlphaPolicy.class, names = {"BLACK", "WHITE"})
  void rgba16IsComposited(AlphaPolicy policy) throws Exception {
    Samples s = withAlpha(MAX16, 3);
    byte[] png = TestImages.write(TestImages.rgba16(W, H, s), "png");
    DecodedImage d = new ImageDecoder(1_000_000, policy).decode(png, "rgba16.png");
    assertClose(d.rgb(), W, H, composite(s, MAX16, policy, 3), ROUNDING);
    assertEquals(16, d.bitsPerSample());
  }

  @ParameterizedTest
  @EnumSource(value = AlphaPolicy.class, names = {"BLACK", "WHITE"})
  void greyAlphaIsCompositedAndReplicated(AlphaPolicy policy) throws Exception {
    Samples s = withAlpha(MAX8, 1);
    byte[] png = TestImages.write(TestImages.greyAlpha8(W, H, s), "png");
    DecodedImage d = new ImageDecoder(1_000_000, policy).decode(png, "greya.png");
    assertClose(d.rgb(), W, H, composite(s, MAX8, policy, 1), ROUNDING);
    assertTrue(d.hadAlpha());
  }

  @Test
  void blackAndWhiteDifferExactlyByTheUncoveredPart() throws Exception {
    // Guards the test itself: the two policies must not collapse into one.
    byte[] png = TestImages.write(TestImages.rgba8(W, H, withAlpha(MAX8, 3)), "png");
    DecodedImage black = new ImageDecoder(1_000_000, AlphaPolicy.BLACK).decode(png, "a.png");
    DecodedImage white = new ImageDecoder(1_000_000, AlphaPolicy.WHITE).decode(png, "a.png");
    assertEquals(0f, black.rgb().get(1, 0, 0)); // alpha 0 at (0, 0)
    assertEquals(1f, white.rgb().get(1, 0, 0));
  }

  @Test
  void rejectRefusesTransparentPixels() {
    byte[] png = TestImages.write(TestImages.rgba8(W, H, withAlpha(MAX8, 3)), "png");
    ImageDecodeException e = assertThrows(ImageDecodeException.class,
        () -> new ImageDecoder(1_000_000, AlphaPolicy.REJECT).decode(png, "rgba.png"));
    assertEquals(ImageDecodeException.Reason.ALPHA_REJECTED, e.reason());
    assertEquals("decode.alpha-rejected", e.errorClass());
    assertTrue(e.getMessage().contains("transparent") && e.getMessage().contains("reject"), e.getMessage());
    assertTrue(e.getMessage().contains("x=0, y=0"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(AlphaPolicy.class)
  void opaqueAlphaIsRecordedButChangesNothing(AlphaPolicy policy) throws Exception {
    Samples colour = TestImages.pattern(MAX8);
    Samples s = (x, y, band) -> band == 3 ? MAX8 : colour.at(x, y, band);
    byte[] png = TestImages.write(TestImages.rgba8(W, H, s), "png");
    DecodedImage d = new ImageDecoder(1_000_000, policy).decode(png, "opaque-rgba.png");
    assertExact(d.rgb(), W, H, scaled(colour, MAX8));
    assertTrue(d.hadAlpha());
    assertEquals(policy, d.alphaApplied());
  }

  @ParameterizedTest
  @EnumSource(value = AlphaPolicy.class, names = {"BLACK", "WHITE"})
  void paletteTransparencyIsComposited(AlphaPolicy policy) throws Exception {
    int[] colours = {0x102030, 0xFFFFFF, 0x80C040, 0x000000};
    int[] alpha = {255, 0, 128, 17};
    Samples index = (x, y, band) -> (x + y) % 4;
    byte[] png = TestImages.write(TestImages.indexed(TestImages.palette(8, colours, alpha), W, H, index), "png");
    DecodedImage d = new ImageDecoder(1_000_000, policy).decode(png, "trns.png");
    assertClose(d.rgb(), W, H, (c, x, y) -> {
      int i = index.at(x, y, 0);
      float v = ImageDecoderPngTest.channel(colours[i], c) / 255f;
      float a = alpha[i] / 255f;
      return policy == AlphaPolicy.WHITE ? v * a + (1f - a) : v * a;
    }, ROUNDING);
    assertTrue(d.hadAlpha());
  }

  @Test
  void gifTransparentIndexIsComposited() throws Exception {
    int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0x808080};
    int[] alpha = {255, 255, 0, 255}; // index 2 is the GIF's transparent colour
    Samples index = (x, y, band) -> (x * 3 + y) % 4;
    byte[] gif = TestImages.write(TestImages.indexed(TestImages.palette(2, colours, alpha), W, H, index), "gif");
    DecodedImage d = new ImageDecoder(1_000_000, AlphaPolicy.WHITE).decode(gif, "t.gif");
    assertExact(d.rgb(), W, H, (c, x, y) -> {
      int i = index.at(x, y, 0);
      return i == 2 ? 1f : ImageDecoderPngTest.channel(colours[i], c) / 255f;
    });
    assertTrue(d.hadAlpha());
    assertEquals(AlphaPolicy.WHITE, d.alphaApplied());
  }

  @Test
  void pngColourKeyIsTransparency() throws Exception {
    // tRNS on a truecolour PNG names one colour as transparent; the pattern's (0, 0) is black.
    Samples s = TestImages.pattern(MAX8);
    byte[] png = TestImages.write(TestImages.rgb8(W, H, s), "png");
    byte[] keyed = TestImages.withChunkAfterIhdr(png, TestImages.pngChunk("tRNS", new byte[6]));
    DecodedImage d = new ImageDecoder(1_000_000, AlphaPolicy.WHITE).decode(keyed, "key.png");
    assertTrue(d.hadAlpha());
    assertExact(d.rgb(), W, H, (c, x, y) -> isBlack(s, x, y) ? 1f : s.at(x, y, c) / 255f);
  }

  private static boolean isBlack(Samples s, int x, int y) {
    return s.at(x, y, 0) == 0 && s.at(x, y, 1) == 0 && s.at(x, y, 2) == 0;
  }

  @Test
  void opaqueImagesRecordNoPolicy() throws Exception {
    byte[] png = TestImages.write(TestImages.rgb8(W, H, TestImages.pattern(MAX8)), "png");
    DecodedImage d = new ImageDecoder(1_000_000, AlphaPolicy.REJECT).decode(png, "rgb.png");
    assertNull(d.alphaApplied());
  }
}
