package dev.p2g.encode;

import static dev.p2g.encode.TestImages.MAX8;
import static dev.p2g.encode.TestImages.assertClose;
import static dev.p2g.encode.TestImages.greyScaled;
import static dev.p2g.encode.TestImages.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.TestImages.Samples;
import dev.p2g.field.FloatImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JPEG is lossy: decoded values are compared with the source pixels within a tolerance. */
class ImageDecoderJpegTest {
  private static final int W = 40;
  private static final int H = 24;
  /**
   * Smooth images at quality 0.95 come back within 8 levels at worst (chroma subsampling at the
   * edges) and about 1 on average; a channel swap or a gamma change is off by dozens.
   */
  private static final float TOLERANCE = 12f / 255f;
  private static final double MEAN_TOLERANCE = 2.0 / 255;

  private final ImageDecoder decoder = new ImageDecoder(1_000_000, AlphaPolicy.BLACK);

  /** Gradients in different directions per channel, so swapped channels or axes show. */
  private static final Samples SMOOTH = (x, y, band) -> switch (band) {
    case 0 -> 20 + x * 5;
    case 1 -> 30 + y * 8;
    default -> 200 - x * 2 - y * 2;
  };

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void rgbIsWithinTolerance(boolean progressive) throws Exception {
    byte[] jpeg = TestImages.jpeg(TestImages.rgb8(W, H, SMOOTH), 0.95f, progressive);
    DecodedImage d = decoder.decode(jpeg, "smooth.jpg");
    assertClose(d.rgb(), W, H, scaled(SMOOTH, MAX8), TOLERANCE);
    assertTrue(TestImages.meanError(d.rgb(), scaled(SMOOTH, MAX8)) < MEAN_TOLERANCE);
    assertEquals("jpeg", d.format());
    assertEquals(8, d.bitsPerSample());
    assertFalse(d.hadAlpha());
    assertEquals(ExifOrientation.NORMAL, d.orientation());
  }

  @Test
  void greyKeepsItsValuesAndIsReplicated() throws Exception {
    // Mid greys are where a linear-grey colour conversion would be off by dozens of levels.
    Samples grey = (x, y, band) -> 60 + x * 3 + y;
    DecodedImage d = decoder.decode(TestImages.jpeg(TestImages.grey8(W, H, grey), 0.95f, false), "g.jpg");
    assertClose(d.rgb(), W, H, greyScaled(grey, MAX8), TOLERANCE);
    assertTrue(TestImages.meanError(d.rgb(), greyScaled(grey, MAX8)) < MEAN_TOLERANCE);
    FloatImage rgb = d.rgb();
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        assertEquals(rgb.get(0, x, y), rgb.get(1, x, y));
        assertEquals(rgb.get(0, x, y), rgb.get(2, x, y));
      }
    }
  }

  @Test
  void adobeCmykIsConvertedToRgb() throws Exception {
    // Quadrants of pure inks. With no ICC profile in the file, TwelveMonkeys converts naively
    // (R = (1 - C)(1 - K) ...), so the expected colours are exact up to JPEG loss.
    int[][] inks = {{0, 0, 0, 0}, {255, 0, 0, 0}, {0, 0, 0, 255}, {0, 255, 255, 0}};
    float[][] rgb = {{1, 1, 1}, {0, 1, 1}, {0, 0, 0}, {1, 0, 0}};
    int size = 16;
    byte[] jpeg = TestImages.cmykJpeg(size, size, (x, y, band) -> inks[quadrant(x, y, size)][band]);
    DecodedImage d = decoder.decode(jpeg, "cmyk.jpg");
    assertEquals("jpeg", d.format());
    assertFalse(d.hadAlpha());
    assertClose(d.rgb(), size, size, (c, x, y) -> rgb[quadrant(x, y, size)][c], TOLERANCE);
  }

  private static int quadrant(int x, int y, int size) {
    return (y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1);
  }

  // ---- EXIF orientation

  private static final int OW = 48;
  private static final int OH = 32;
  private static final int MARK = 8;
  private static final int[] RED = {255, 0, 0};
  private static final int[] BLUE = {0, 0, 255};
  private static final int[] GREY = {128, 128, 128};

  /** The stored image: grey, a red block in its top-left corner and a blue one in its top-right. */
  private static int[] stored(int x, int y) {
    if (y < MARK && x < MARK) {
      return RED;
    }
    if (y < MARK && x >= OW - MARK) {
      return BLUE;
    }
    return GREY;
  }

  /**
   * Where the stored top-left and top-right corners are shown, from the EXIF definition of each
   * value ("the 0th row is the visual …, the 0th column is the visual …").
   */
  private static final String[][] SHOWN_AT = {
      null,
      {"TL", "TR"}, // 1: row 0 top, column 0 left
      {"TR", "TL"}, // 2: row 0 top, column 0 right
      {"BR", "BL"}, // 3: row 0 bottom, column 0 right
      {"BL", "BR"}, // 4: row 0 bottom, column 0 left
      {"TL", "BL"}, // 5: row 0 left, column 0 top
      {"TR", "BR"}, // 6: row 0 right, column 0 top
      {"BR", "TR"}, // 7: row 0 right, column 0 bottom
      {"BL", "TL"}, // 8: row 0 left, column 0 bottom
  };

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void exifOrientationIsApplied(int orientation) throws Exception {
    byte[] plain = TestImages.jpeg(TestImages.rgb8(OW, OH, (x, y, band) -> stored(x, y)[band]), 0.95f, false);
    // Both byte orders occur in camera files.
    byte[] jpeg = TestImages.insertAfterSoi(plain, TestImages.exifOrientation(orientation, orientation % 2 == 0));
    DecodedImage d = decoder.decode(jpeg, "o" + orientation + ".jpg");
    assertEquals(orientation, d.orientation());
    boolean swapped = orientation >= 5;
    int w = swapped ? OH : OW;
    int h = swapped ? OW : OH;
    assertEquals(w, d.width(), "width");
    assertEquals(h, d.height(), "height");
    String red = SHOWN_AT[orientation][0];
    String blue = SHOWN_AT[orientation][1];
    for (String corner : new String[] {"TL", "TR", "BL", "BR"}) {
      int[] want = corner.equals(red) ? RED : corner.equals(blue) ? BLUE : GREY;
      int x = corner.charAt(1) == 'L' ? MARK / 2 : w - 1 - MARK / 2;
      int y = corner.charAt(0) == 'T' ? MARK / 2 : h - 1 - MARK / 2;
      for (int c = 0; c < 3; c++) {
        assertEquals(want[c] / 255f, d.rgb().get(c, x, y), TOLERANCE,
            "orientation " + orientation + ", corner " + corner + ", channel " + c);
      }
    }
  }

  @Test
  void orientationIsOnlyReadFromExif() throws Exception {
    // An APP1 segment that is not Exif (XMP uses APP1 too) must not be taken for one.
    byte[] plain = TestImages.jpeg(TestImages.rgb8(OW, OH, (x, y, band) -> stored(x, y)[band]), 0.95f, false);
    byte[] body = TestImages.ascii("http://ns.adobe.com/xap/1.0/\0MM\0*\0\0\0\b");
    byte[] jpeg = TestImages.insertAfterSoi(plain, TestImages.jpegSegment(0xE1, body));
    DecodedImage d = decoder.decode(jpeg, "xmp.jpg");
    assertEquals(ExifOrientation.NORMAL, d.orientation());
    assertEquals(OW, d.width());
  }

  @Test
  void onlyJpegOrientationIsApplied() throws Exception {
    // A decision of the decoder: a PNG eXIf chunk is left alone (see ImageDecoder).
    byte[] png = TestImages.write(TestImages.rgb8(OW, OH, (x, y, band) -> stored(x, y)[band]), "png");
    byte[] exif = TestImages.exifOrientation(6, false);
    byte[] tiff = java.util.Arrays.copyOfRange(exif, 4 + 6, exif.length); // no segment header, no "Exif\0\0"
    byte[] tagged = TestImages.withChunkAfterIhdr(png, TestImages.pngChunk("eXIf", tiff));
    DecodedImage d = decoder.decode(tagged, "exif.png");
    assertEquals(ExifOrientation.NORMAL, d.orientation());
    assertEquals(OW, d.width());
    assertEquals(1f, d.rgb().get(0, 0, 0));
  }
}
