package dev.p2g.field;

import java.util.Map;

/** The codecs a field row may name. */
public final class FieldCodecs {
  /** q8: 14.9 bytes per LR pixel after zstd instead of 110, for 0.012 dB at worst (docs/benchmarks.md). */
  public static final String DEFAULT = Q8Codec.NAME;

  private static final Map<String, FieldCodec> BY_NAME = Map.of(F32Codec.NAME, new F32Codec(),
      F16Codec.NAME, new F16Codec(), Q8Codec.NAME, new Q8Codec());

  private FieldCodecs() {}

  public static FieldCodec byName(String name) {
    FieldCodec codec = BY_NAME.get(name);
    if (codec == null) {
      throw new IllegalArgumentException("unknown field codec '" + name + "'; known: " + BY_NAME.keySet());
    }
    return codec;
  }
}
