package dev.p2g.render;

import static dev.p2g.field.FieldContract.ANTI_ALIAS_RHO;
import static dev.p2g.field.FieldContract.Q_CUTOFF;

import dev.p2g.field.GaussianField;
import java.io.IOException;

/**
 * Renders an image stored as tiles, band by band, so that neither its field nor its output
 * exists whole in memory. Tiles must come in raster order (rows of tiles top to bottom). When a
 * new row of tiles starts at LR row y, no Gaussian of it or of any later row reaches an output
 * row sampled above y - reach, so those rows are final and go to the sink; the band then holds
 * only about (tile height + 2 reach) LR rows of output. The same Gaussians are summed as in a
 * whole-image render, in another order: the pixels agree to float rounding.
 */
public final class TiledRender {
  /** One tile's field and where its rectangle starts in the LR image. */
  public record Tile(GaussianField field, int x, int y) {}

  /** Takes finished output rows, top to bottom, as interleaved 8-bit RGB. */
  public interface RowSink {
    void row(byte[] rgb) throws IOException;
  }

  private final CpuRenderer renderer;
  private final int lrWidth;
  private final int lrHeight;
  private final Scale scale;
  private final double margin;
  private final RenderBand band;
  private final RowSink sink;
  private final byte[] rowBuffer;
  private int written;
  private int currentTileRow = -1;

  /**
   * reach: the largest GaussianField.reach() of the image's tiles; maxTileHeight: the tallest
   * tile, both in LR pixels.
   */
  public TiledRender(CpuRenderer renderer, int lrWidth, int lrHeight, Scale scale, double reach, int maxTileHeight,
      RowSink sink) {
    this.renderer = renderer;
    this.lrWidth = lrWidth;
    this.lrHeight = lrHeight;
    this.scale = scale;
    int outW = scale.outputWidth(lrWidth);
    int outH = scale.outputHeight(lrHeight);
    double ry = (double) outH / lrHeight;
    double aaSigma = ry < 1 ? ANTI_ALIAS_RHO / ry : 0;
    // the anti-aliasing footprint widens each Gaussian's box by at most sqrt(Q_CUTOFF) sigma;
    // one more pixel covers the rounding of box edges to output rows
    this.margin = reach + Math.sqrt(Q_CUTOFF) * aaSigma + 1;
    int rows = (int) Math.min(outH, Math.ceil((maxTileHeight + 2 * margin) * ry) + 2);
    this.band = new RenderBand(outW, 0, Math.max(1, rows));
    this.sink = sink;
    this.rowBuffer = new byte[3 * outW];
  }

  /** Output rows a band holds at once: what bounds this render's memory (12 bytes per pixel of width). */
  public int bandRows() {
    return band.rows();
  }

  public void add(Tile tile) throws IOException {
    if (tile.y() < currentTileRow) {
      throw new IllegalArgumentException("tiles out of raster order: a tile at LR row " + tile.y()
          + " after one at " + currentTileRow);
    }
    if (tile.y() > currentTileRow) {
      currentTileRow = tile.y();
      double ry = (double) scale.outputHeight(lrHeight) / lrHeight;
      flushUntil((int) Math.max(0, Math.ceil((tile.y() - margin) * ry - 0.5)));
    }
    long outside = renderer.splat(tile.field(), tile.x(), tile.y(), lrWidth, lrHeight, scale, band);
    if (outside > 0) {
      throw new IllegalStateException(outside + " Gaussians of the tile at (" + tile.x() + ", " + tile.y()
          + ") reach past the rendering band: the tiles' recorded reach is too small");
    }
  }

  /** Writes the rest of the image; call once after the last tile. */
  public void finish() throws IOException {
    flushUntil(scale.outputHeight(lrHeight));
  }

  private void flushUntil(int row) throws IOException {
    int end = Math.min(row, scale.outputHeight(lrHeight));
    while (written < end) {
      int stop = Math.min(end, band.firstRow() + band.rows());
      for (; written < stop; written++) {
        band.rowAsRgb8(written, rowBuffer);
        sink.row(rowBuffer);
      }
      band.moveTo(written);
    }
  }
}
