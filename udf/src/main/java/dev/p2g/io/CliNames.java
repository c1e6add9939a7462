package dev.p2g.io;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one way an enum of ours is named on the command line, in SQL arguments, in stored columns
 * and in messages: its constant in lower case. Parsing gives a one-line error that lists the
 * names, and {@link #label} the {@code a|b|c} of {@code --help}, so neither is written by hand.
 */
public final class CliNames {
  private CliNames() {}

  public static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /**
   * @param what how the message names the value: an option ("--device") or a thing ("output
   *     format")
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String what, String name) {
    String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    E[] values = type.getEnumConstants();
    return Arrays.stream(values).filter(v -> of(v).equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown " + what + " '" + name + "'; expected "
            + Arrays.stream(values).map(CliNames::of).collect(Collectors.joining(", "))));
  }

  /** The names joined by '|', as {@code --help} shows an option's values. */
  public static String label(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants()).map(CliNames::of).collect(Collectors.joining("|"));
  }
}
