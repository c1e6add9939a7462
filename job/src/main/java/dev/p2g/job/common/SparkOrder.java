package dev.p2g.job.common;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Spark's order of strings, for the driver's lists that must come out in the order a Spark query
 * of the same rows gives (the driver and the Spark paths are compared row for row).
 */
public final class SparkOrder {
  private SparkOrder() {}

  /** Unsigned UTF-8 bytes, which differs from String.compareTo past the BMP. */
  public static final Comparator<String> STRINGS = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
}
