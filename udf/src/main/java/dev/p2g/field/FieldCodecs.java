package dev.p2g.field;

import java.util.Map;

/** The codecs a field row may name. */
public final class FieldCodecs {
  public static final String DEFAULT = F32Codec.NAME;

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
