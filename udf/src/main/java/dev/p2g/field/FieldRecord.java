package dev.p2g.field;

import java.io.Serializable;

/**
 * One row of fields/: an image's (or a tile's) field with where it came from. The tile is the
 * rectangle of the LR image, in LR pixels, that the field covers; a whole image is (0, 0, W, H).
 * reach is GaussianField.reach(): how far past the tile its Gaussians reach, in LR pixels.
 * degradation is the model's (Degradation.format), null when it declares none.
 */
public record FieldRecord(
    String key,
    String sourceUri,
    String sourceSha256,
    String modelId,
    int width,
    int height,
    int tileX,
    int tileY,
    int tileWidth,
    int tileHeight,
    int k,
    String codec,
    String alpha,
    String degradation,
    double reach,
    byte[] params) implements Serializable {

  public GaussianField decodeField() {
    return FieldCodecs.byName(codec).decode(params, tileWidth, tileHeight, k)
        .withDegradation(Degradation.parse(degradation));
  }
}
