package dev.p2g.job;

/** What --input holds (--input-format): loose image files, Parquet tables with an image column, or WebDataset shards. */
enum InputFormat {
  FILES,
  PARQUET,
  WEBDATASET;

  String cliName() {
    return CliNames.of(this);
  }

  static InputFormat parse(String name) {
    return CliNames.parse(InputFormat.class, "input-format", name);
  }
}
