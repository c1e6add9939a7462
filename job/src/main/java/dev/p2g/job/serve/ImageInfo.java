package dev.p2g.job.serve;

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
  static final List<String> EXTRA_FEATURES = List.of("regionByPct", "sizeByPct", "sizeByConfinedWh", "sizeUpscaling");

  private ImageInfo() {}

  /** The document for the image whose service is at serviceId (its URL, the identifier percent-encoded). */
  public static String json(String serviceId, int width, int height, SizeLimits limits) {
    StringBuilder j = new StringBuilder(512);
    j.append("{\n  \"@context\": \"http://iiif.io/api/image/3/context.json\",\n");
    j.append("  \"id\": ").append(quote(serviceId)).append(",\n");
    j.append("  \"type\": \"ImageService3\",\n  \"protocol\": \"http://iiif.io/api/image\",\n");
    j.append("  \"profile\": \"level1\",\n");
    j.append("  \"width\": ").append(width).append(",\n  \"height\": ").append(height).append(",\n");
    j.append("  \"maxWidth\": ").append(limits.maxWidth()).append(",\n");
    j.append("  \"maxHeight\": ").append(limits.maxHeight()).append(",\n");
    j.append("  \"maxArea\": ").append(limits.maxArea()).append(",\n");
    j.append("  \"tiles\": [{\"width\": ").append(TILE).append(", \"height\": ").append(TILE)
        .append(", \"scaleFactors\": ").append(scaleFactors(width, height)).append("}],\n");
    j.append("  \"sizes\": [");
    List<long[]> sizes = sizes(width, height, limits);
    for (int i = 0; i < sizes.size(); i++) {
      j.append(i == 0 ? "" : ", ").append("{\"width\": ").append(sizes.get(i)[0]).append(", \"height\": ")
          .append(sizes.get(i)[1]).append('}');
    }
    j.append("],\n  \"extraFeatures\": [");
    for (int i = 0; i < EXTRA_FEATURES.size(); i++) {
      j.append(i == 0 ? "" : ", ").append(quote(EXTRA_FEATURES.get(i)));
    }
    return j.append("]\n}\n").toString();
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

  private static String quote(String s) {
    StringBuilder q = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        q.append('\\').append(c);
      } else if (c < 0x20) {
        q.append(String.format("\\u%04x", (int) c));
      } else {
        q.append(c);
      }
    }
    return q.append('"').toString();
  }
}
