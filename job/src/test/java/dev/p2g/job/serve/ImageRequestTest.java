package dev.p2g.job.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IIIF Image API 3.0 request syntax and its arithmetic (sections 4.1 to 4.5), worked by hand
 * for a 300 x 200 source: regions in source pixels, sizes in output pixels, and the status of
 * each kind of refusal (400 for what the specification does not allow, 501 for what it names but
 * this server does not do).
 */
class ImageRequestTest {
  private static final SizeLimits LARGE = new SizeLimits(100_000, 100_000, 1_000_000_000L);

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "full; 0,0,300,200",
      "square; 50,0,200,200",
      "125,15,120,140; 125,15,120,140",
      "125,15,200,200; 125,15,175,185", // cropped at the image's edges
      "pct:41.6,7.5,40,70; 125,15,120,140", // 124.8 -> 125, 15, 244.8 -> 245 minus 125, 155 minus 15
      "pct:0,0,100,100; 0,0,300,200",
      "0,0,1,1; 0,0,1,1"})
  void regions(String region, String want) {
    Rect r = request(region, "max").region().resolve(300, 200);
    assertEquals(want, r.x() + "," + r.y() + "," + r.width() + "," + r.height());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"'300,0,10,10'", "'0,200,10,10'", "'0,0,0,10'", "'0,0,10,0'", "'pct:0,0,0,50'", "'pct:100,0,10,10'"})
  void regionsWithoutPixelsAreBadRequests(String region) {
    assertEquals(400, assertThrows(IiifException.class, () -> request(region, "max").region().resolve(300, 200))
        .status());
  }

  /** Sizes of the region 125,15,120,140 (120 x 140). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "max, 120, 140", "'60,', 60, 70", "',70', 60, 70", "pct:50, 60, 70", "'60,70', 60, 70", "'40,70', 40, 70",
      "'!60,100', 60, 70", "'!1000,280', 120, 140", // best fit, not above the region without ^
      "'^240,', 240, 280", "'^,280', 240, 280", "^pct:200, 240, 280", "'^!1000,280', 240, 280", "'^240,10', 240, 10",
      "pct:0.5, 1, 1"})
  void sizes(String size, long w, long h) {
    assertArrayEquals(new long[] {w, h}, request("125,15,120,140", size).size().resolve(120, 140, LARGE));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"'240,'", "',141'", "pct:101", "'121,140'", "'0,'", "',0'", "pct:0", "'^0,5'"})
  void sizesAboveTheRegionWithoutCaretOrOfNoPixelsAreBadRequests(String size) {
    assertEquals(400, assertThrows(IiifException.class,
        () -> request("125,15,120,140", size).size().resolve(120, 140, LARGE)).status());
  }

  /** Limits of 8 x the source side (2400 x 1600, 3.84 MP): max stops at them, explicit sizes past them are refused. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"max, 300, 200", "^max, 2400, 1600", "'^2400,', 2400, 1600", "'^!5000,5000', 2400, 1600"})
  void sizesWithinTheLimits(String size, long w, long h) {
    SizeLimits limits = SizeLimits.of(300, 200, 8, Long.MAX_VALUE);
    assertArrayEquals(new long[] {w, h}, request("full", size).size().resolve(300, 200, limits));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"'^2401,'", "'^,1601'", "^pct:801", "'^2400,1601'"})
  void sizesPastTheLimitsAreBadRequests(String size) {
    SizeLimits limits = SizeLimits.of(300, 200, 8, Long.MAX_VALUE);
    assertEquals(400, assertThrows(IiifException.class, () -> request("full", size).size().resolve(300, 200, limits))
        .status());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"^max, 1224, 816", "max, 300, 200"})
  void anAreaLimitShrinksMax(String size, long w, long h) {
    SizeLimits limits = SizeLimits.of(300, 200, 8, 1_000_000); // 1 MP: sqrt(1e6 / 60000) = 4.08 x
    long[] got = request("full", size).size().resolve(300, 200, limits);
    assertArrayEquals(new long[] {w, h}, got);
    assertEquals(true, got[0] * got[1] <= 1_000_000);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // syntax the specification does not have: 400
      "'k/1,2,3/max/0/default.png', 400", "'k/-1,0,5,5/max/0/default.png', 400", "'k/1e2,0,5,5/max/0/default.png', 400",
      "'k/full/max,/0/default.png', 400", "'k/full/^/0/default.png', 400", "'k/full/pct:/0/default.png', 400",
      "'k/full/,/0/default.png', 400", "'k/full/abc/0/default.png', 400", "'k/full/max/-90/default.png', 400",
      "'k/full/max/361/default.png', 400", "'k/full/max/x/default.png', 400", "'k/full/max/0/default', 400",
      "'k/full/max/0/fancy.png', 400", "'k/full/max/0/default.exe', 400", "'k/full/max/0', 400",
      "'a/b/full/max/0/default.png', 400", // an unencoded / in the key
      "'%zz/full/max/0/default.png', 400", "'%4/full/max/0/default.png', 400", "'%C3%28/full/max/0/default.png', 400",
      "'%00/full/max/0/default.png', 400", "'/full/max/0/default.png', 400", "'k k/full/max/0/default.png', 400",
      // named by the specification, not done here: 501
      "'k/full/max/90/default.png', 501", "'k/full/max/!0/default.png', 501", "'k/full/max/0/gray.png', 501",
      "'k/full/max/0/bitonal.jpg', 501", "'k/full/max/0/default.tif', 501", "'k/full/max/0/default.webp', 501"})
  void refusals(String path, int status) {
    assertEquals(status, assertThrows(IiifException.class, () -> ImageRequest.parse(path)).status());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"a%2Fb%20c.jpg, a/b c.jpg", "a+b, a+b", "%E6%97%A5.png, \u65e5.png", "plain, plain"})
  void identifiersArePercentDecodedKeys(String segment, String key) {
    ImageRequest r = ImageRequest.parse(segment + "/full/max/0.0/color.jpg");
    assertEquals(key, r.identifier());
    assertEquals("color", r.quality());
    assertEquals("jpg", r.format());
  }

  /** Every segment may be percent-encoded; '^' must be, for the JDK's server refuses it raw. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {"k/full/%5Emax/0/default.png; true; default",
      "k/pct%3A10,10,50,50/%5Epct%3A200/0/default.png; true; default", "k/full/max/0/colo%72.png; false; color"})
  void otherSegmentsArePercentDecodedToo(String path, boolean upscale, String quality) {
    ImageRequest r = ImageRequest.parse(path);
    assertEquals(upscale, r.size().upscale());
    assertEquals(quality, r.quality());
  }

  private static ImageRequest request(String region, String size) {
    return ImageRequest.parse("k/" + region + "/" + size + "/0/default.png");
  }
}
