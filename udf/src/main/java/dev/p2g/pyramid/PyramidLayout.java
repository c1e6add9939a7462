package dev.p2g.pyramid;

import java.util.Locale;

/**
 * How the images of a pyramid level are stored: one file per image (files), tar shards a
 * WebDataset loader reads (webdataset), or Parquet files with the image bytes in a column
 * (parquet). Object stores bill and list per object, so millions of small files cost more to
 * write and to read than a few thousand shards.
 */
public enum PyramidLayout {
  FILES(null),
  WEBDATASET("tar"),
  PARQUET("parquet");

  private final String shardExtension;

  PyramidLayout(String shardExtension) {
    this.shardExtension = shardExtension;
  }

  /** True when images are grouped into shards (tar or Parquet files) rather than one file each. */
  public boolean sharded() {
    return shardExtension != null;
  }

  /** The shard's file extension (tar, parquet); null for the files layout. */
  public String shardExtension() {
    return shardExtension;
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PyramidLayout parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (PyramidLayout l : values()) {
      if (l.cliName().equals(t)) {
        return l;
      }
    }
    throw new IllegalArgumentException("unknown pyramid layout '" + text + "'; use files, webdataset or parquet");
  }
}
