package dev.p2g.field;

/** Turns a field's parameter planes into the bytes of the `params` column and back. */
public interface FieldCodec {
  /** The name stored in the `codec` column. */
  String name();

  byte[] encode(GaussianField field);

  GaussianField decode(byte[] bytes, int width, int height, int k);
}
