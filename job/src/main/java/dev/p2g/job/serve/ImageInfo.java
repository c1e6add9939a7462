package dev.p2g.job.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An image's info.json (IIIF Image API 3.0, section 5): the required properties, the limits
 * (maxWidth, maxHeight, maxArea), 256-pixel tiles at power-of-two scale factors down to one tile,
 * the whole image's sizes at those factors and at 2, 4 and 8 times the source within the limits,
 * and the features past level 1 this server has (percent regions and sizes, confined sizes,
 * sizes above the source).
 */
public final class ImageInfo {
  public static final int TILE = 256;
  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> EXTRA_FEATURES = List.of("regionByPct", "sizeByPct", "sizeByConfinedWh", "sizeUpscaling");

  private ImageInfo() {}

  /** The document for the image whose service is at serviceId (its URL, the identifier percent-encoded). */
  public static String json(String serviceId, int width, int height, SizeLimits limits) {
    ObjectNode info = JSON.createObjectNode();
    info.put("@context", "http://iiif.io/api/image/3/context.json");
    info.put("id", serviceId);
    info.put("type", "ImageService3");
    info.put("protocol", "http://iiif.io/api/image");
    info.put("profile", "level1");
    info.put("width", width);
    info.put("height", height);
    info.put("maxWidth", limits.maxWidth());
    info.put("maxHeight", limits.maxHeight());
    info.put("maxArea", limits.maxArea());
    ObjectNode tiles = info.putArray("tiles").addObject();
    tiles.put("width", TILE);
    tiles.put("height", TILE);
    ArrayNode factors = tiles.putArray("scaleFactors");
    scaleFactors(width, height).forEach(factors::add);
    ArrayNode sizes = info.putArray("sizes");
    for (long[] size : sizes(width, height, limits)) {
      sizes.addObject().put("width", size[0]).put("height", size[1]);
    }
    ArrayNode features = info.putArray("extraFeatures");
    EXTRA_FEATURES.forEach(features::add);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("info.json of " + serviceId, e); // a tree of strings and numbers always writes
    }
  }

  /** 1, 2, 4, ... until the whole image fits in one tile. */
  static List<Integer> scaleFactors(int width, int height) {
    List<Integer> factors = new ArrayList<>();
    for (int f = 1; ; f *= 2) {
      factors.add(f);
      if ((width + f - 1) / f <= TILE && (height + f - 1) / f <= TILE || f >= 1 << 20) {
        return factors;
      }
    }
  }

  /** The whole image at each scale factor's reduction (smallest first), then at 2, 4 and 8 times within the limits. */
  static List<long[]> sizes(int width, int height, SizeLimits limits) {
    List<long[]> sizes = new ArrayList<>();
    List<Integer> factors = scaleFactors(width, height);
    for (int i = factors.size() - 1; i >= 0; i--) {
      int f = factors.get(i);
      sizes.add(new long[] {(width + f - 1) / f, (height + f - 1) / f});
    }
    for (int up = 2; up <= 8; up *= 2) {
      if (limits.allow((long) up * width, (long) up * height)) {
        sizes.add(new long[] {(long) up * width, (long) up * height});
      }
    }
    return sizes;
  }
}
