package dev.p2g.render;

import static dev.p2g.field.FieldContract.Q_CUTOFF;

import dev.p2g.field.Degradation;
import dev.p2g.field.GaussianField;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders an image stored as tiles, band by band, so that neither its field nor its output
 * exists whole in memory. Tiles must come in raster order (rows of tiles top to bottom). When a
 * new row of tiles starts at LR row y, no Gaussian of it or of any later row reaches a sample
 * row (SampleGrid) above y - reach, so those rows are final and go to the sink, through the
 * streaming Lanczos3 reduction for a level below scale 1; the band then holds only about
 * (tile height + 2 reach) LR rows of samples. The same Gaussians are summed as in a whole-image
 * render, in another order: the pixels agree to float rounding.
 */
public final class TiledRender implements TileRender {
  /** One tile's field and where its rectangle starts in the LR image. */
  public record Tile(GaussianField field, int x, int y) {}

  /** Takes finished output rows, top to bottom, as interleaved 8-bit RGB. */
  public interface RowSink {
    void row(byte[] rgb) throws IOException;
  }

  private final CpuRenderer renderer;
  private final int lrWidth;
  private final int lrHeight;
  private final SampleGrid grid;
  private final double margin;
  private final RenderBand band;
  private final RowSink sink;
  private final RowResampler reducer;
  private final byte[] rowBuffer;
  private int written;
  private int currentTileRow = -1;

  /**
   * reach: the largest GaussianField.reach() of the image's tiles; maxTileHeight: the tallest
   * tile, both in LR pixels.
   */
  public TiledRender(CpuRenderer renderer, int lrWidth, int lrHeight, Scale scale, double reach, int maxTileHeight,
      RowSink sink) {
    this(renderer, lrWidth, lrHeight, scale, null, reach, maxTileHeight, sink);
  }

  /** The same for an image whose tiles' fields have that degradation (null: none). */
  public TiledRender(CpuRenderer renderer, int lrWidth, int lrHeight, Scale scale, Degradation degradation,
      double reach, int maxTileHeight, RowSink sink) {
    this.renderer = renderer;
    this.lrWidth = lrWidth;
    this.lrHeight = lrHeight;
    this.grid = renderer.grid(lrWidth, lrHeight, scale, degradation);
    double ry = (double) grid.height() / lrHeight;
    // a filter footprint widens each Gaussian's box by at most sqrt(Q_CUTOFF) sigma; one more
    // pixel covers the rounding of box edges to sample rows
    this.margin = reach + Math.sqrt(Q_CUTOFF) * renderer.footprintSigma(ry) + 1;
    int rows = (int) Math.min(grid.height(), Math.ceil((maxTileHeight + 2 * margin) * ry) + 2);
    this.band = new RenderBand(grid.width(), 0, Math.max(1, rows));
    this.sink = sink;
    this.rowBuffer = new byte[3 * grid.outWidth()];
    this.reducer = grid.reduces() ? grid.reducer(new Rgb8Rows(sink, grid.outWidth())) : null;
  }

  /** Sample rows a band holds at once: what bounds this render's memory (12 bytes per sample of width). */
  public int bandRows() {
    return band.rows();
  }

  @Override
  public void add(Tile tile) throws IOException {
    if (tile.y() < currentTileRow) {
      throw new IllegalArgumentException("tiles out of raster order: a tile at LR row " + tile.y()
          + " after one at " + currentTileRow);
    }
    if (tile.y() > currentTileRow) {
      currentTileRow = tile.y();
      double ry = (double) grid.height() / lrHeight;
      flushUntil((int) Math.max(0, Math.ceil((tile.y() - margin) * ry - 0.5)));
    }
    long outside = renderer.splat(tile.field(), tile.x(), tile.y(), lrWidth, lrHeight, grid, band);
    if (outside > 0) {
      throw new IllegalStateException(outside + " Gaussians of the tile at (" + tile.x() + ", " + tile.y()
          + ") reach past the rendering band: the tiles' recorded reach is too small");
    }
  }

  @Override
  public void finish() throws IOException {
    flushUntil(grid.height());
  }

  /** Sends the sample rows above row to the sink, through the reduction where the level has one. */
  private void flushUntil(int row) throws IOException {
    int end = Math.min(row, grid.height());
    while (written < end) {
      int stop = Math.min(end, band.firstRow() + band.rows());
      for (; written < stop; written++) {
        if (reducer == null) {
          band.rowAsRgb8(written, rowBuffer);
          sink.row(rowBuffer);
        } else {
          try {
            reducer.push(band.data(), band.offset(written));
          } catch (UncheckedIOException e) {
            throw e.getCause();
          }
        }
      }
      band.moveTo(written);
    }
  }
}
