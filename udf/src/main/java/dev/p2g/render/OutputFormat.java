package dev.p2g.render;

import java.util.Locale;

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
    String t = text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "png" -> PNG;
      case "jpg", "jpeg" -> JPG;
      default -> throw new IllegalArgumentException("unknown output format '" + text + "'; use png or jpg");
    };
  }
}
