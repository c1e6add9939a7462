package dev.p2g.encode;

import dev.p2g.io.CliNames;

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
    return CliNames.of(this);
  }

  /** The `alpha` column's value for an image this policy composited: over-black, over-white. */
  public String stored() {
    return STORED_PREFIX + cliName();
  }

  /** The policy an image's `alpha` column records; empty for "none" (the image was opaque). */
  public static java.util.Optional<AlphaPolicy> fromStored(String stored) {
    return stored == null || !stored.startsWith(STORED_PREFIX) ? java.util.Optional.empty()
        : java.util.Optional.of(parse(stored.substring(STORED_PREFIX.length())));
  }

  /** The `alpha` column's value for an image without alpha. */
  public static final String STORED_NONE = "none";
  private static final String STORED_PREFIX = "over-";

  public static AlphaPolicy parse(String name) {
    return CliNames.parse(AlphaPolicy.class, "alpha policy", name);
  }
}
