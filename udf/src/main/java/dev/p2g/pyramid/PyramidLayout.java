package dev.p2g.pyramid;

import dev.p2g.io.CliNames;

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

  /** The layout a manifest row's image is stored in: a tar member, a Parquet row, or a file of its own. */
  public static PyramidLayout ofRow(String member, Long rowIndex) {
    return member != null ? WEBDATASET : rowIndex != null ? PARQUET : FILES;
  }

  public String cliName() {
    return CliNames.of(this);
  }

  public static PyramidLayout parse(String text) {
    return CliNames.parse(PyramidLayout.class, "pyramid layout", text);
  }
}
