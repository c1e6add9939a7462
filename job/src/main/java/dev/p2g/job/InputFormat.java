package dev.p2g.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What --input holds (--input-format): loose image files, Parquet tables with an image column, or WebDataset shards. */
enum InputFormat {
  FILES,
  PARQUET,
  WEBDATASET;

  String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static InputFormat parse(String name) {
    String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.cliName().equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown --input-format '" + name + "'; expected "
            + Arrays.stream(values()).map(InputFormat::cliName).collect(Collectors.joining(", "))));
  }
}
