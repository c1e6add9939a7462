package dev.p2g.io;

import java.io.Serializable;

/** Where every output lives under the output root (shared/DESIGN.md, "Storage"). */
public record OutputLayout(String root) implements Serializable {
  public static final String FIELDS = "fields";
  public static final String PYRAMID = "pyramid";
  public static final String MANIFEST = "manifest";
  public static final String ERRORS = "errors";
  public static final String REPORT = "report";

  public OutputLayout {
    while (root.length() > 1 && root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
  }

  public String fields() {
    return root + "/" + FIELDS;
  }

  public String manifest() {
    return root + "/" + MANIFEST;
  }

  public String errors() {
    return root + "/" + ERRORS;
  }

  public String report() {
    return root + "/" + REPORT;
  }

  public String pyramid() {
    return root + "/" + PYRAMID;
  }

  /** pyramid/x{S}/{key without extension}.{ext} */
  public String pyramidFile(String level, String key, String extension) {
    return root + "/" + PYRAMID + "/" + level + "/" + ImageKeys.stem(key) + "." + extension;
  }
}
