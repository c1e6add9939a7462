package dev.p2g.encode;

import dev.p2g.field.Degradation;
import dev.p2g.field.FieldCodec;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.field.ImageFailure;
import dev.p2g.field.TileGrid;
import dev.p2g.io.Device;
import dev.p2g.io.HadoopFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * One image's file bytes to its field rows: decode, run the model, pack the planes. An image
 * wider or taller than the tile size is encoded tile by tile: each tile's model input is the tile
 * plus a halo of the model's receptive field (clamped at the image's edges), and only the
 * Gaussians anchored in the tile are kept, so the tiles together equal the whole image's field.
 * The model then never sees more than (tile + 2 halo)^2 pixels at once.
 *
 * <p>Model inputs of one size go through the model up to batch at a time (the contract's batch
 * dimension): an image's same-sized tiles, and whole images that a caller groups by size
 * (encodeTogether). On the CPU this gains nothing (docs/benchmarks.md); a GPU needs it to
 * stay busy on small inputs.
 *
 * <p>Longer than 300 lines because Tiles, an image's tiles as the encoder runs them, is an inner
 * class of the encoder's session, pieces and codec: apart, it would take all of them by hand.
 */
public final class FieldEncoder {
  /**
   * Images wider or taller than this (LR pixels) are encoded and stored as tiles of it, and
   * rendered band by band: 512 keeps a model run's activations near 70 MB per channel group and
   * adds 13 % of halo work with the default model's 16-pixel receptive field.
   */
  public static final int DEFAULT_TILE = 512;

  private final ImageDecoder decoder;
  private final ModelSession session;
  private final FieldCodec codec;
  private final int tile;
  private final int batch;
  private final ModelPieces pieces;

  /**
   * tile: the largest width and height encoded in one model run, in LR pixels; batch: how many
   * same-sized model inputs go through the model in one run, at most.
   */
  public FieldEncoder(ImageDecoder decoder, ModelSession session, FieldCodec codec, int tile, int batch) {
    this(decoder, session, codec, tile, batch, session.device().isCpu() ? ModelPieces.CPU_PIECE : 0);
  }

  /** piece: the side of the pieces a model run is split into (ModelPieces), 0 for none. */
  public FieldEncoder(ImageDecoder decoder, ModelSession session, FieldCodec codec, int tile, int batch, int piece) {
    if (tile < 1 || batch < 1) {
      throw new IllegalArgumentException("tile and batch must be positive, were " + tile + " and " + batch);
    }
    this.decoder = decoder;
    this.session = session;
    this.codec = codec;
    this.tile = tile;
    this.batch = batch;
    this.pieces = new ModelPieces(piece, session.info().receptiveField());
  }

  /** Where the model runs: "cpu" or "cuda:N". */
  public Device device() {
    return session.device();
  }

  public int batch() {
    return batch;
  }

  /**
   * Decodes the image and returns its tiles, each encoded when it is asked for: a task holds one
   * tile's field at a time, however many tiles the image has.
   */
  public Tiles start(String key, String sourceUri, byte[] bytes) throws ImageFailure {
    return start(key, sourceUri, bytes, 0, 1);
  }

  /**
   * As start(key, sourceUri, bytes), for part part of parts of a large image (parts > 1): its
   * share of the tiles in raster order, [part * n / parts, (part + 1) * n / parts) of n. The parts
   * cover the tiles the decoded image has, whatever size a planner guessed for it.
   */
  public Tiles start(String key, String sourceUri, byte[] bytes, int part, int parts) throws ImageFailure {
    if (parts < 1 || part < 0 || part >= parts) {
      throw new IllegalArgumentException("part " + part + " of " + parts);
    }
    String sha = HadoopFiles.sha256Hex(bytes);
    try {
      return new Tiles(key, sourceUri, sha, decoder.decode(bytes, key), part, parts);
    } catch (ImageDecodeException e) {
      throw new ImageFailure(e.errorClass(), e.getMessage(), e);
    }
  }

  /** Tiles an image of this size has at a tile size. */
  public static int tiles(int width, int height, int tile) {
    return TileGrid.count(width, height, tile);
  }

  /** One image's tiles (or a part's share of them) in raster order; next() runs the model on the next one. */
  public final class Tiles {
    private final String key;
    private final String sourceUri;
    private final String sha;
    private final DecodedImage image;
    private final int across;
    private final int total;
    private final int partIndex;
    private final int parts;
    private final int first;
    private final int end;
    private final java.util.ArrayDeque<FieldRecord> ready = new java.util.ArrayDeque<>();
    private int done;

    private Tiles(String key, String sourceUri, String sha, DecodedImage image, int part, int parts) {
      this.key = key;
      this.sourceUri = sourceUri;
      this.sha = sha;
      this.image = image;
      this.across = (image.width() + tile - 1) / tile;
      this.total = FieldEncoder.tiles(image.width(), image.height(), tile);
      this.partIndex = part;
      this.parts = parts;
      this.first = (int) ((long) part * total / parts);
      this.end = (int) ((long) (part + 1) * total / parts);
      this.done = first;
    }

    /** Tiles of this image (or part) to encode. */
    public int count() {
      return end - first;
    }

    /** The index of the tile next() encodes, in raster order of the image's tiles. */
    public int nextTile() {
      return done;
    }

    /**
     * Whether this is a whole image of one tile, which may share a model run with others of its
     * size; a part of a large image never is (its tiles go tile by tile, and its outcome is the part's).
     */
    public boolean whole() {
      return total == 1 && parts == 1;
    }

    /** Whether this is one part of an image encoded in several (LargeImageParts). */
    public boolean part() {
      return parts > 1;
    }

    /** This part's index (0 for a whole image) and the image's number of parts (1 for a whole image). */
    public int partIndex() {
      return partIndex;
    }

    public int parts() {
      return parts;
    }

    /** All tiles of the image, this part's and the others'. */
    public int tiles() {
      return total;
    }

    /** LR pixels of tile t. */
    public long tilePixels(int t) {
      TileWindow w = window(t);
      return (long) w.w() * w.h();
    }

    public boolean hasNext() {
      return done < end;
    }

    /** The model input of a whole image that is one tile: its size, for grouping images into one run. */
    public long inputSizeKey() {
      return ((long) image.width() << 32) | image.height();
    }

    public String key() {
      return key;
    }

    public String sourceUri() {
      return sourceUri;
    }

    public FieldRecord next() throws ImageFailure {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      if (ready.isEmpty()) {
        encodeNextRun();
      }
      done++;
      return ready.removeFirst();
    }

    /** The next tile and the ones after it with the same model input size, up to batch, in one run. */
    private void encodeNextRun() throws ImageFailure {
      List<TileWindow> windows = new ArrayList<>();
      List<FloatImage> inputs = new ArrayList<>();
      for (int t = done; t < end && windows.size() < batch; t++) {
        TileWindow w = window(t);
        if (!windows.isEmpty() && !w.sameInputSize(windows.get(0))) {
          break;
        }
        try {
          inputs.add(image.pixels().region(w.inX(), w.inY(), w.inW(), w.inH()));
        } catch (ImageDecodeException e) {
          throw new ImageFailure(e.errorClass(), e.getMessage(), e);
        }
        windows.add(w);
      }
      List<GaussianField> fields = runAll(inputs);
      for (int i = 0; i < windows.size(); i++) {
        ready.addLast(record(windows.get(i), checked(fields.get(i))));
      }
    }

    /** Tile t and its model input: the tile plus the halo, inside the image. */
    private TileWindow window(int t) {
      int w = image.width();
      int h = image.height();
      int x = (t % across) * tile;
      int y = (t / across) * tile;
      int tw = Math.min(tile, w - x);
      int th = Math.min(tile, h - y);
      int halo = session.info().receptiveField();
      int cx = Math.max(0, x - halo);
      int cy = Math.max(0, y - halo);
      return new TileWindow(x, y, tw, th, cx, cy, Math.min(w, x + tw + halo) - cx, Math.min(h, y + th + halo) - cy);
    }

    private FieldRecord record(TileWindow t, GaussianField field) {
      if (t.inW() != t.w() || t.inH() != t.h()) {
        field = field.crop(t.x() - t.inX(), t.y() - t.inY(), t.w(), t.h());
      }
      return new FieldRecord(key, sourceUri, sha, session.info().id(), image.width(), image.height(), t.x(), t.y(),
          t.w(), t.h(), field.k(), codec.name(), alphaLabel(image), Degradation.format(field.degradation()),
          field.reach(), codec.encode(field));
    }
  }

  /** A tile (x, y, w, h) and its model input (inX, inY, inW, inH), in LR pixels of the image. */
  private record TileWindow(int x, int y, int w, int h, int inX, int inY, int inW, int inH) {
    boolean sameInputSize(TileWindow o) {
      return inW == o.inW && inH == o.inH;
    }
  }

  /** What became of one image in encodeTogether: its row, or why it has none. */
  public record Outcome(Tiles image, FieldRecord record, ImageFailure failure) {}

  /**
   * Whole images of one model input size (each a single tile, as inputSizeKey groups them) in one
   * model run. If the run fails, each image is tried alone, so that a failure lands on the image
   * that caused it and the others are kept.
   */
  public List<Outcome> encodeTogether(List<Tiles> images) {
    List<Outcome> out = new ArrayList<>(images.size());
    if (images.size() > 1) {
      List<GaussianField> fields = null;
      try {
        List<FloatImage> inputs = new ArrayList<>(images.size());
        for (Tiles t : images) {
          checkSingle(t);
          inputs.add(t.image.pixels().region(0, 0, t.image.width(), t.image.height()));
        }
        fields = runAll(inputs);
      } catch (ImageFailure | ImageDecodeException e) {
        fields = null; // one by one below
      }
      if (fields != null) {
        for (int i = 0; i < images.size(); i++) {
          Tiles t = images.get(i);
          try {
            out.add(new Outcome(t, t.record(t.window(0), checked(fields.get(i))), null));
            t.done++;
          } catch (ImageFailure f) {
            out.add(new Outcome(t, null, f));
          }
        }
        return out;
      }
    }
    for (Tiles t : images) {
      try {
        checkSingle(t);
        out.add(new Outcome(t, t.next(), null));
      } catch (ImageFailure f) {
        out.add(new Outcome(t, null, f));
      }
    }
    return out;
  }

  private static void checkSingle(Tiles t) {
    if (!t.whole() || t.done != 0) {
      throw new IllegalArgumentException(t.key + " is not one fresh tile: encode its tiles with next()");
    }
  }

  private List<GaussianField> runAll(List<FloatImage> inputs) throws ImageFailure {
    try {
      if (pieces.splits(inputs.get(0))) { // inputs of a run have one size: all or none split
        List<GaussianField> fields = new ArrayList<>(inputs.size());
        for (FloatImage input : inputs) {
          fields.add(pieces.encode(session, input));
        }
        return fields;
      }
      return session.encodeAll(inputs);
    } catch (ModelOutputException e) {
      throw new ImageFailure("model.output", e.getMessage(), e);
    }
  }

  private static GaussianField checked(GaussianField field) throws ImageFailure {
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
      return AlphaPolicy.STORED_NONE;
    }
    return image.alphaApplied().stored();
  }
}
