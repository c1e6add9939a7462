package dev.p2g.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Image keys: the path of an image relative to its input root, made safe to use as a path under
 * the output root (no '..', no absolute paths, no characters Hadoop paths cannot hold).
 */
public final class ImageKeys {
  /** Extensions the listing takes as images, compared case-insensitively. */
  public static final Set<String> IMAGE_EXTENSIONS =
      Set.of("png", "jpg", "jpeg", "jpe", "jfif", "bmp", "gif", "tif", "tiff", "webp");

  private ImageKeys() {}

  /** Relative path (with '/' separators) to a key that cannot escape the output root. */
  public static String sanitize(String relative) {
    List<String> parts = new ArrayList<>();
    for (String part : relative.replace('\\', '/').split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      StringBuilder clean = new StringBuilder(part.length());
      part.codePoints().forEach(cp -> clean.appendCodePoint(safe(cp) ? cp : '_'));
      String c = clean.toString();
      // '..' would climb out of the output root; so would a part Hadoop reads as a scheme.
      parts.add(c.equals("..") ? "_." : c);
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("empty image key from '" + relative + "'");
    }
    return String.join("/", parts);
  }

  private static boolean safe(int cp) {
    return cp >= 0x20 && cp != 0x7f && cp != ':' && !Character.isISOControl(cp);
  }

  public static String extension(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  public static boolean isImage(String key) {
    return IMAGE_EXTENSIONS.contains(extension(key));
  }

  /** The key without its extension: the output name's stem, shared by photo.jpg and photo.png. */
  public static String stem(String key) {
    int slash = key.lastIndexOf('/');
    int dot = key.lastIndexOf('.');
    return dot > slash + 1 ? key.substring(0, dot) : key;
  }
}
