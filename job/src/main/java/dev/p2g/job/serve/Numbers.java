package dev.p2g.job.serve;

import java.util.regex.Pattern;

/** The numbers of an image request's parameters: plain digits only (no sign, exponent or spaces). */
final class Numbers {
  private static final Pattern WHOLE = Pattern.compile("\\d{1,9}");
  private static final Pattern DECIMAL = Pattern.compile("\\d{1,9}(\\.\\d{1,9})?|\\.\\d{1,9}");

  private Numbers() {}

  /** A non-negative integer under a billion. */
  static long whole(String text, String what) {
    if (!WHOLE.matcher(text).matches()) {
      throw IiifException.badRequest(what + ": '" + text + "' is not a whole number");
    }
    return Long.parseLong(text);
  }

  /** A non-negative decimal under a billion. */
  static double decimal(String text, String what) {
    if (!DECIMAL.matcher(text).matches()) {
      throw IiifException.badRequest(what + ": '" + text + "' is not a number");
    }
    return Double.parseDouble(text);
  }
}
