package dev.p2g.render;

import dev.p2g.io.CliNames;

/** Formats the pyramid is written in; WebP is read-only in our ImageIO stack. */
public enum OutputFormat {
  PNG("png", "png"),
  JPG("jpg", "jpeg");

  private final String extension;
  private final String imageIoName;

  OutputFormat(String extension, String imageIoName) {
    this.extension = extension;
    this.imageIoName = imageIoName;
  }

  public String extension() {
    return extension;
  }

  String imageIoName() {
    return imageIoName;
  }

  public static OutputFormat parse(String text) {
    // JPEG's other common name is taken too; every other name is the constant's (CliNames)
    return "jpeg".equalsIgnoreCase(text == null ? null : text.trim()) ? JPG
        : CliNames.parse(OutputFormat.class, "output format", text);
  }
}
