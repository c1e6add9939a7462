package dev.p2g.encode;

import dev.p2g.field.FieldCodec;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.GaussianField;
import dev.p2g.field.ImageFailure;
import dev.p2g.io.HadoopFiles;
import java.util.Locale;

/** One image's file bytes to its field row: decode, run the model, pack the planes. */
public final class FieldEncoder {
  private final ImageDecoder decoder;
  private final ModelSession session;
  private final FieldCodec codec;

  public FieldEncoder(ImageDecoder decoder, ModelSession session, FieldCodec codec) {
    this.decoder = decoder;
    this.session = session;
    this.codec = codec;
  }

  public FieldRecord encode(String key, String sourceUri, byte[] bytes) throws ImageFailure {
    String sha = HadoopFiles.sha256Hex(bytes);
    DecodedImage image;
    try {
      image = decoder.decode(bytes, key);
    } catch (ImageDecodeException e) {
      throw new ImageFailure(e.errorClass(), e.getMessage(), e);
    }
    GaussianField field;
    try {
      field = session.encode(image.rgb());
    } catch (ModelOutputException e) {
      throw new ImageFailure("model.output", e.getMessage(), e);
    }
    for (float v : field.params()) {
      if (!Float.isFinite(v)) {
        throw new ImageFailure("model.output", "the model gave non-finite parameters for this image");
      }
    }
    return new FieldRecord(key, sourceUri, sha, session.info().id(), field.width(), field.height(),
        0, 0, field.width(), field.height(), field.k(), codec.name(), alphaLabel(image), codec.encode(field));
  }

  /** What became of alpha: "none", or the policy applied ("over-black", "over-white"). */
  static String alphaLabel(DecodedImage image) {
    if (!image.hadAlpha() || image.alphaApplied() == null) {
      return "none";
    }
    return "over-" + image.alphaApplied().name().toLowerCase(Locale.ROOT);
  }
}
