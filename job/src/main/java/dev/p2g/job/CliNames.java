package dev.p2g.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The command line's names of enum values (lower case), and parsing them with a one-line error. */
final class CliNames {
  private CliNames() {}

  static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  static <E extends Enum<E>> E parse(Class<E> type, String option, String name) {
    String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    E[] values = type.getEnumConstants();
    return Arrays.stream(values).filter(v -> of(v).equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown --" + option + " '" + name + "'; expected "
            + Arrays.stream(values).map(CliNames::of).collect(Collectors.joining(", "))));
  }
}
