package dev.p2g.encode;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the decoder does with an alpha channel, since the model takes opaque RGB only. */
public enum AlphaPolicy {
  /** Composite over black: colour times alpha, matching a field whose opacity is folded into colour. */
  BLACK,
  /** Composite over white: colour times alpha plus (1 - alpha). */
  WHITE,
  /** Refuse any image with a pixel that is not fully opaque. */
  REJECT;

  public static final AlphaPolicy DEFAULT = BLACK;

  /** The name used on the command line and in messages. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AlphaPolicy parse(String name) {
    if (name != null) {
      String wanted = name.trim().toLowerCase(Locale.ROOT);
      for (AlphaPolicy policy : values()) {
        if (policy.cliName().equals(wanted)) {
          return policy;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown alpha policy '" + name + "'; allowed values: " + allowedValues());
  }

  static String allowedValues() {
    return Arrays.stream(values()).map(AlphaPolicy::cliName).collect(Collectors.joining(", "));
  }
}
