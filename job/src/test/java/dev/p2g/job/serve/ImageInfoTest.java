package dev.p2g.job.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** info.json against the properties the Image API 3.0 requires (its JSON schema's "required") and what this server declares. */
class ImageInfoTest {
  private static final List<String> REQUIRED = List.of("@context", "id", "type", "protocol", "profile", "width", "height");

  @Test
  void declaresTheRequiredPropertiesLimitsTilesAndSizes() throws Exception {
    String key = "albums/2024/\"odd\" name \\ \u65e5.jpg";
    String id = "http://127.0.0.1:8182/iiif/3/" + ImageRequest.encodeIdentifier(key);
    SizeLimits limits = SizeLimits.of(1000, 600, 8, 40_000_000);
    JsonNode info = new ObjectMapper().readTree(ImageInfo.json(id, 1000, 600, limits));

    for (String property : REQUIRED) {
      assertTrue(info.hasNonNull(property), property);
    }
    assertEquals("http://iiif.io/api/image/3/context.json", info.get("@context").asText());
    assertEquals("ImageService3", info.get("type").asText());
    assertEquals("http://iiif.io/api/image", info.get("protocol").asText());
    assertEquals("level1", info.get("profile").asText());
    assertEquals(id, info.get("id").asText());
    assertEquals(key, ImageRequest.decodeIdentifier(id.substring(id.lastIndexOf('/') + 1)), "the id leads back to the key");
    assertEquals(1000, info.get("width").asInt());
    assertEquals(600, info.get("height").asInt());
    assertEquals(8000, info.get("maxWidth").asLong());
    assertEquals(4800, info.get("maxHeight").asLong());
    assertEquals(38_400_000, info.get("maxArea").asLong()); // 64 x 600,000 is under the 40 MP cap

    JsonNode tiles = info.get("tiles").get(0);
    assertEquals(256, tiles.get("width").asInt());
    List<Integer> factors = new ArrayList<>();
    tiles.get("scaleFactors").forEach(f -> factors.add(f.asInt()));
    assertEquals(List.of(1, 2, 4), factors, "down to one tile: 1000 / 4 = 250 <= 256");

    long lastArea = 0;
    for (JsonNode size : info.get("sizes")) {
      long w = size.get("width").asLong();
      long h = size.get("height").asLong();
      assertTrue(w * h > lastArea, "sizes ascend");
      assertTrue(limits.allow(w, h), w + " x " + h + " within the limits");
      lastArea = w * h;
    }
    assertEquals(250, info.get("sizes").get(0).get("width").asInt());
    assertEquals(8000, info.get("sizes").get(info.get("sizes").size() - 1).get("width").asInt());

    List<String> features = new ArrayList<>();
    info.get("extraFeatures").forEach(f -> features.add(f.asText()));
    assertTrue(features.contains("sizeUpscaling"), features.toString());
  }

  @Test
  void smallImagesHaveFewScaleFactorsAndLimitsCutUpscaledSizes() {
    assertEquals(List.of(1), ImageInfo.scaleFactors(200, 100));
    assertEquals(List.of(1, 2), ImageInfo.scaleFactors(300, 200));
    assertEquals(List.of(1, 2, 4, 8), ImageInfo.scaleFactors(2048, 1500));
    SizeLimits oneMegapixel = SizeLimits.of(300, 200, 8, 1_000_000);
    List<long[]> sizes = ImageInfo.sizes(300, 200, oneMegapixel);
    // 300 is over a tile, so 150 x 100 too; 1200 x 800 is 0.96 MP, 2400 x 1600 past the limit
    assertEquals(List.of("150x100", "300x200", "600x400", "1200x800"), sizes.stream().map(s -> s[0] + "x" + s[1]).toList());
  }

  @Test
  void identifiersEncodeEveryReservedByte() {
    assertEquals("a%2Fb%20c%25d~e_f-g.h", ImageRequest.encodeIdentifier("a/b c%d~e_f-g.h"));
    assertEquals("%E6%97%A5", ImageRequest.encodeIdentifier("\u65e5"));
  }
}
