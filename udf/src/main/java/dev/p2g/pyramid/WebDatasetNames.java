package dev.p2g.pyramid;

/**
 * Tar member names for WebDataset: a loader groups the members of one sample by the part of the
 * member's file name before its first dot (the sample's __key__) and takes the rest as the field
 * (png, json). A key is a path relative to the input root and may hold dots anywhere, so it is
 * percent-escaped: '%' becomes %25 and '.' becomes %2E, '/' stays (a member in folders, as the
 * key is). The whole key is kept, extension included, so photo.jpg and photo.png stay two
 * samples; urllib.parse.unquote(__key__) gives the key back.
 */
public final class WebDatasetNames {
  private WebDatasetNames() {}

  /** The member name of key's field ext: {escaped key}.{ext}. */
  public static String member(String key, String ext) {
    return escape(key) + "." + ext;
  }

  static String escape(String key) {
    StringBuilder b = new StringBuilder(key.length() + 8);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      switch (c) {
        case '%' -> b.append("%25");
        case '.' -> b.append("%2E");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
