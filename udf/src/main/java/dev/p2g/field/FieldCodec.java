package dev.p2g.field;

/**
 * Turns a field's parameter planes into the bytes of the `params` column and back. Codecs hold no
 * state, so the job's settings carry one to the tasks.
 */
public interface FieldCodec extends java.io.Serializable {
  /** The name stored in the `codec` column. */
  String name();

  byte[] encode(GaussianField field);

  GaussianField decode(byte[] bytes, int width, int height, int k);
}
