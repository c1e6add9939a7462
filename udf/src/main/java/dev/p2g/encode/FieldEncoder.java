package dev.p2g.encode;

import dev.p2g.field.FieldCodec;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.GaussianField;
import dev.p2g.field.ImageFailure;
import dev.p2g.io.HadoopFiles;
import dev.p2g.field.FloatImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One image's file bytes to its field rows: decode, run the model, pack the planes. An image
 * wider or taller than the tile size is encoded tile by tile: each tile's model input is the tile
 * plus a halo of the model's receptive field (clamped at the image's edges), and only the
 * Gaussians anchored in the tile are kept, so the tiles together equal the whole image's field.
 * The model then never sees more than (tile + 2 halo)^2 pixels at once.
 */
public final class FieldEncoder {
  private final ImageDecoder decoder;
  private final ModelSession session;
  private final FieldCodec codec;
  private final int tile;

  /** tile: the largest width and height encoded in one model run, in LR pixels. */
  public FieldEncoder(ImageDecoder decoder, ModelSession session, FieldCodec codec, int tile) {
    if (tile < 1) {
      throw new IllegalArgumentException("tile must be positive, was " + tile);
    }
    this.decoder = decoder;
    this.session = session;
    this.codec = codec;
    this.tile = tile;
  }

  /** The rows of one image: one for an image within the tile size, else one per tile in raster order. */
  public List<FieldRecord> encode(String key, String sourceUri, byte[] bytes) throws ImageFailure {
    Tiles tiles = start(key, sourceUri, bytes);
    List<FieldRecord> rows = new ArrayList<>(tiles.count());
    while (tiles.hasNext()) {
      rows.add(tiles.next());
    }
    return rows;
  }

  /**
   * Decodes the image and returns its tiles, each encoded when it is asked for: a task holds one
   * tile's field at a time, however many tiles the image has.
   */
  public Tiles start(String key, String sourceUri, byte[] bytes) throws ImageFailure {
    String sha = HadoopFiles.sha256Hex(bytes);
    try {
      return new Tiles(key, sourceUri, sha, decoder.decode(bytes, key));
    } catch (ImageDecodeException e) {
      throw new ImageFailure(e.errorClass(), e.getMessage(), e);
    }
  }

  /** One image's tiles in raster order; next() runs the model on the next one. */
  public final class Tiles {
    private final String key;
    private final String sourceUri;
    private final String sha;
    private final DecodedImage image;
    private final int across;
    private final int count;
    private int done;

    private Tiles(String key, String sourceUri, String sha, DecodedImage image) {
      this.key = key;
      this.sourceUri = sourceUri;
      this.sha = sha;
      this.image = image;
      this.across = (image.width() + tile - 1) / tile;
      this.count = across * ((image.height() + tile - 1) / tile);
    }

    public int count() {
      return count;
    }

    public boolean hasNext() {
      return done < count;
    }

    public FieldRecord next() throws ImageFailure {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      int w = image.width();
      int h = image.height();
      int x = (done % across) * tile;
      int y = (done / across) * tile;
      done++;
      int tw = Math.min(tile, w - x);
      int th = Math.min(tile, h - y);
      int halo = session.info().receptiveField();
      int cx = Math.max(0, x - halo);
      int cy = Math.max(0, y - halo);
      int cw = Math.min(w, x + tw + halo) - cx;
      int ch = Math.min(h, y + th + halo) - cy;
      FloatImage input;
      try {
        input = image.pixels().region(cx, cy, cw, ch);
      } catch (ImageDecodeException e) {
        throw new ImageFailure(e.errorClass(), e.getMessage(), e);
      }
      GaussianField field = run(input);
      if (cw != tw || ch != th) {
        field = field.crop(x - cx, y - cy, tw, th);
      }
      return new FieldRecord(key, sourceUri, sha, session.info().id(), w, h, x, y, tw, th, field.k(),
          codec.name(), alphaLabel(image), field.reach(), codec.encode(field));
    }
  }

  private GaussianField run(FloatImage input) throws ImageFailure {
    GaussianField field;
    try {
      field = session.encode(input);
    } catch (ModelOutputException e) {
      throw new ImageFailure("model.output", e.getMessage(), e);
    }
    for (float v : field.params()) {
      if (!Float.isFinite(v)) {
        throw new ImageFailure("model.output", "the model gave non-finite parameters for this image");
      }
    }
    return field;
  }

  /** What became of alpha: "none", or the policy applied ("over-black", "over-white"). */
  static String alphaLabel(DecodedImage image) {
    if (!image.hadAlpha() || image.alphaApplied() == null) {
      return "none";
    }
    return "over-" + image.alphaApplied().name().toLowerCase(Locale.ROOT);
  }
}
