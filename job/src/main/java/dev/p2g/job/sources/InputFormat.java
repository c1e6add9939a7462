package dev.p2g.job.sources;

import dev.p2g.io.CliNames;

/** What --input holds (--input-format): loose image files, Parquet tables with an image column, or WebDataset shards. */
public enum InputFormat {
  FILES,
  PARQUET,
  WEBDATASET;

  public String cliName() {
    return CliNames.of(this);
  }

  public static InputFormat parse(String name) {
    return CliNames.parse(InputFormat.class, "--input-format", name);
  }
}
