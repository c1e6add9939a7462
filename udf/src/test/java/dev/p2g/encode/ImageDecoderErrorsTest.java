package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.ImageDecodeException.Reason;
import dev.p2g.encode.TestImages.Samples;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input is refused with a reason, never decoded into a silently grey or partial image. */
class ImageDecoderErrorsTest {
  private final ImageDecoder decoder = new ImageDecoder(1_000_000, AlphaPolicy.BLACK);

  /** Noise compresses badly, so the scan data is most of the file and a cut lands inside it. */
  private static final Samples NOISE = (x, y, band) -> new Random(x * 1_000L + y * 10L + band).nextInt(256);

  private ImageDecodeException refused(byte[] bytes, String name, Reason reason) {
    ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(bytes, name));
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  @Test
  void emptyAndNull() {
    ImageDecodeException e = refused(new byte[0], "empty.png", Reason.EMPTY);
    assertEquals("decode.empty", e.errorClass());
    refused(null, null, Reason.EMPTY);
  }

  @Test
  void textIsUnrecognisedAndTheMessageNamesWhatIsSupported() {
    byte[] text = TestImages.ascii("name,width,height\ncat.jpg,640,480\n");
    ImageDecodeException e = refused(text, "list.csv", Reason.UNRECOGNISED);
    assertEquals("decode.unrecognised", e.errorClass());
    for (String format : new String[] {"png", "jpeg", "gif", "bmp", "tiff", "webp"}) {
      assertTrue(e.getMessage().contains(format), e.getMessage());
    }
    assertTrue(e.getMessage().contains("list.csv"), e.getMessage());
    assertTrue(e.getMessage().contains("6e 61 6d 65"), e.getMessage()); // the first bytes, "name"
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomBytesAreUnrecognised(long seed) {
    Random random = new Random(seed);
    byte[] bytes = new byte[1 + random.nextInt(4096)];
    random.nextBytes(bytes);
    refused(bytes, "noise.bin", Reason.UNRECOGNISED);
  }

  @Test
  void aSignatureAloneIsCorrupt() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    ImageDecodeException e = refused(png, "sig.png", Reason.CORRUPT);
    assertEquals("decode.corrupt", e.errorClass());
    assertTrue(e.getMessage().contains("png"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.02, 0.1, 0.5, 0.9, 0.99})
  void truncatedPngIsCorrupt(double kept) {
    byte[] png = TestImages.write(TestImages.rgb8(64, 64, NOISE), "png");
    refused(cut(png, kept), "cut.png", Reason.CORRUPT);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.05, 0.3, 0.6, 0.95})
  void truncatedJpegIsCorrupt(double kept) {
    byte[] jpeg = TestImages.jpeg(TestImages.rgb8(64, 64, NOISE), 0.9f, false);
    ImageDecodeException e = refused(cut(jpeg, kept), "cut.jpg", Reason.CORRUPT);
    assertTrue(e.getMessage().contains("jpeg"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.3, 0.6, 0.95})
  void truncatedProgressiveJpegIsCorrupt(double kept) {
    byte[] jpeg = TestImages.jpeg(TestImages.rgb8(64, 64, NOISE), 0.9f, true);
    refused(cut(jpeg, kept), "cut.jpg", Reason.CORRUPT);
  }

  @Test
  void jpegMissingOnlyItsEndMarkerIsRefused() {
    // Strict on purpose: the scan may be whole, but nothing cheap tells that apart from a cut scan.
    byte[] jpeg = TestImages.jpeg(TestImages.rgb8(64, 64, NOISE), 0.9f, false);
    refused(Arrays.copyOf(jpeg, jpeg.length - 2), "no-eoi.jpg", Reason.CORRUPT);
  }

  @ParameterizedTest
  @CsvSource({"gif, 0.1", "gif, 0.5", "gif, 0.9", "gif, 0.99", "bmp, 0.1", "bmp, 0.5", "bmp, 0.99",
      "tiff, 0.1", "tiff, 0.5", "tiff, 0.99"})
  void truncatedLosslessFormatsAreCorrupt(String format, double kept) {
    byte[] bytes = TestImages.write(TestImages.rgb8(64, 64, NOISE), format);
    refused(cut(bytes, kept), "cut." + format, Reason.CORRUPT);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.1, 0.5, 0.9, 0.99})
  void truncatedWebpIsCorrupt(double kept) {
    int[] argb = new int[32 * 32];
    Arrays.setAll(argb, i -> i * 0x9E3779B1 | 0xFF000000);
    refused(cut(WebPLossless.encode(32, 32, argb, false), kept), "cut.webp", Reason.CORRUPT);
  }

  @Test
  void webpWithoutItsLastPadByteStillDecodes() throws Exception {
    // Some writers leave out the pad byte after an odd-sized last chunk; no pixel is missing then.
    int[] argb = new int[4 * 3];
    Arrays.setAll(argb, i -> i * 0x9E3779B1 | 0xFF000000);
    byte[] stream = WebPLossless.bitstream(4, 3, argb, false);
    byte[] odd = Arrays.copyOf(stream, stream.length | 1); // trailing bytes in a chunk are ignored
    byte[] webp = WebPLossless.riff(odd);
    assertEquals(odd.length + 1, webp.length - 20, "the file ends in a pad byte");
    assertEquals(4, decoder.decode(Arrays.copyOf(webp, webp.length - 1), "nopad.webp").width());
  }

  private static byte[] cut(byte[] bytes, double kept) {
    return Arrays.copyOf(bytes, (int) (bytes.length * kept));
  }
}
