package dev.p2g.pyramid;

import dev.p2g.io.ImageKeys;

/**
 * Tar member names for WebDataset: a loader groups the members of one sample by the part of the
 * member's file name before its first dot (the sample's __key__) and takes the rest as the field
 * (png, json). An output sample's key is the image's key without its extension, as the files
 * layout names its file: an image from a WebDataset shard (key "train/shard-000/a/0001.jpg") gives
 * the sample "train/shard-000/a/0001", the input sample's key behind its shard's path, so the two
 * join by key. The listing refuses two keys with one stem (a.jpg beside a.png), so no two samples
 * share one. A key from plain files may hold dots in its folders or its stem (photo.v2.jpg), so it
 * is percent-escaped: '%' becomes %25 and '.' becomes %2E, '/' stays (a member in folders, as the
 * key is); urllib.parse.unquote(__key__) gives the stem back.
 */
public final class WebDatasetNames {
  private WebDatasetNames() {}

  /** The member name of key's field ext: {escaped key without extension}.{ext}. */
  public static String member(String key, String ext) {
    return escape(ImageKeys.stem(key)) + "." + ext;
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
