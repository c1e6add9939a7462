package dev.p2g.job.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2g.render.Scale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests of a 1000 x 750 source as windows of levels, worked by hand. */
class LevelWindowTest {

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource(delimiter = ';', value = {
      // whole images: whole levels, at the scale the render command names them by
      "full; max; 1; 0,0,1000,750; true",
      "full; ^pct:200; 2; 0,0,2000,1500; true",
      "full; pct:50; 0.5; 0,0,500,375; true",
      "full; '^3500,'; 3.5; 0,0,3500,2625; true",
      // tiles of 256 at scale factors 1, 2 and 4, interior and at the edges: exact windows
      "'256,256,256,256'; '256,'; 1; 256,256,256,256; false",
      "'512,512,488,238'; '244,'; 0.5; 256,256,244,119; false", // the bottom-right tile at factor 2
      "'768,512,232,238'; '232,'; 1; 768,512,232,238; false",
      // zoomed past the source: a 64-pixel region at 256 is a window of x4
      "'64,128,64,64'; '^256,'; 4; 256,512,256,256; false",
      // a region off the level's grid: the window nearest its scaled corner (10.5 x 3 = 31.5 -> 32)
      "'10,11,100,50'; '^300,'; 3; 30,33,300,150; false"})
  void requestsAreWindowsOfLevels(String region, String size, double scale, String window, boolean whole) {
    LevelWindow got = window(region, size);
    assertEquals(Scale.of(scale), got.scale());
    assertEquals(window, got.x() + "," + got.y() + "," + got.width() + "," + got.height());
    assertEquals(whole, got.whole());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {"'0,0,1000,750'; '500,750'; 0.5; 1", "'0,0,100,100'; '^200,100'; 2; 1"})
  void distortingSizesAreTwoScales(String region, String size, double sx, double sy) {
    assertEquals(new Scale(sx, sy), window(region, size).scale());
  }

  /** The level window of a request of the 1000 x 750 source with limits of 8 x its sides. */
  private static LevelWindow window(String region, String size) {
    ImageRequest request = ImageRequest.parse("k/" + region + "/" + size + "/0/default.png");
    Rect r = request.region().resolve(1000, 750);
    long[] wh = request.size().resolve(r.width(), r.height(), SizeLimits.of(1000, 750, 8, Long.MAX_VALUE));
    return LevelWindow.of(r, wh[0], wh[1], 1000, 750);
  }
}
