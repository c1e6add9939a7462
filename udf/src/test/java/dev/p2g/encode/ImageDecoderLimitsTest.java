package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.ImageDecodeException.Reason;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Decompression bombs are refused from the header, before any pixel memory is taken. */
class ImageDecoderLimitsTest {
  private static final long DEFAULT_LIMIT = 50_000_000L;
  /** Far below one decoded row set of a bomb, far above what reading a header needs. */
  private static final long MAX_ALLOCATED_BYTES = 16L << 20;
  private static final long MAX_NANOS = 1_000_000_000L;

  @BeforeAll
  static void warmUp() throws Exception {
    // Plugin registration and class loading happen once per JVM; they are not the bomb's cost.
    byte[] png = TestImages.write(TestImages.rgb8(2, 2, TestImages.pattern(255)), "png");
    new ImageDecoder(DEFAULT_LIMIT, AlphaPolicy.BLACK).decode(png, "warm.png");
    byte[] jpeg = TestImages.jpeg(TestImages.rgb8(8, 8, TestImages.pattern(255)), 0.9f, false);
    new ImageDecoder(DEFAULT_LIMIT, AlphaPolicy.BLACK).decode(jpeg, "warm.jpg");
  }

  @Test
  void pngClaimingTenGigapixelsIsRefusedFromItsHeader() {
    ImageDecodeException e = refusedCheaply(new ImageDecoder(DEFAULT_LIMIT, AlphaPolicy.BLACK),
        TestImages.pngHeaderOnly(100_000, 100_000));
    assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
    assertTrue(e.getMessage().contains(Long.toString(DEFAULT_LIMIT)), e.getMessage());
    assertEquals("decode.too-large", e.errorClass());
  }

  @Test
  void jpegClaimingSixtyThousandSquaredIsRefusedFromItsHeader() {
    byte[] jpeg = TestImages.jpeg(TestImages.rgb8(8, 8, TestImages.pattern(255)), 0.9f, false);
    int sof = sof0(jpeg);
    for (int at : new int[] {sof + 5, sof + 7}) { // height, then width, big-endian
      jpeg[at] = (byte) (60_000 >> 8);
      jpeg[at + 1] = (byte) 60_000;
    }
    ImageDecodeException e = refusedCheaply(new ImageDecoder(DEFAULT_LIMIT, AlphaPolicy.BLACK), jpeg);
    assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
  }

  @Test
  void withoutAConfiguredLimitAnImageTooBigForOneArrayIsStillRefused() {
    ImageDecodeException e = refusedCheaply(new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.BLACK),
        TestImages.pngHeaderOnly(100_000, 100_000));
    assertTrue(e.getMessage().contains("one decoded image can hold"), e.getMessage());
  }

  @Test
  void maxPixelsIsHonouredExactly() throws Exception {
    byte[] png = TestImages.write(TestImages.rgb8(10, 10, TestImages.pattern(255)), "png");
    assertEquals(10, new ImageDecoder(100, AlphaPolicy.BLACK).decode(png, "ten.png").width());
    ImageDecodeException e = assertThrows(ImageDecodeException.class,
        () -> new ImageDecoder(99, AlphaPolicy.BLACK).decode(png, "ten.png"));
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains("10x10 = 100 pixels") && e.getMessage().contains("99"), e.getMessage());
  }

  @Test
  void constructorRefusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(0, AlphaPolicy.BLACK));
    assertThrows(NullPointerException.class, () -> new ImageDecoder(1, null));
  }

  private static ImageDecodeException refusedCheaply(ImageDecoder decoder, byte[] bytes) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long allocatedBefore = threads.getThreadAllocatedBytes(thread);
    long start = System.nanoTime();
    ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(bytes, "bomb"));
    long nanos = System.nanoTime() - start;
    long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
    assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
    assertTrue(nanos < MAX_NANOS, "took " + nanos / 1_000_000 + " ms");
    assertTrue(allocated < MAX_ALLOCATED_BYTES, "allocated " + allocated + " bytes");
    return e;
  }

  private static int sof0(byte[] jpeg) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
        return i;
      }
    }
    throw new AssertionError("no SOF0 marker");
  }
}
