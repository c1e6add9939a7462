package dev.p2g.render;

import static dev.p2g.field.FieldContract.DX;
import static dev.p2g.field.FieldContract.DY;
import static dev.p2g.field.FieldContract.L11;
import static dev.p2g.field.FieldContract.L21;
import static dev.p2g.field.FieldContract.L22;
import static dev.p2g.field.FieldContract.PARAMS;

import dev.p2g.field.Degradation;
import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Renders an image stored as tiles through a BandSampler (the CUDA kernels gather, they cannot
 * add a tile into a band as TiledRender does): the tiles of each row of tiles are kept as a
 * strip of the field, and once a row of tiles is complete, the sample rows that no later tile
 * reaches (those above the next row of tiles minus the image's reach, as in TiledRender) are
 * sampled in chunks, each from a window of the strip holding every anchor whose Gaussian
 * reaches the chunk. A level below scale 1 is reduced on the host (RowResampler), as the CPU
 * path does. Memory: the strip (about one row of tiles, plus the rows within reach above it),
 * one window and one chunk of samples.
 */
public final class StripRender implements TileRender {
  /** Parameter bytes of one window at most, so its upload stays far below a Java buffer's 2 GiB. */
  static final long MAX_WINDOW_BYTES = 256L << 20;

  private final BandSampler sampler;
  private final int lrWidth;
  private final int lrHeight;
  private final SampleGrid grid;
  private final double ry;
  private final double reach;
  private final long maxSamples;
  private final RowResampler reducer;
  private final Rgb8Rows rgb8;
  private final float[] interleaved;
  /** Complete rows of tiles, top to bottom; each row's tiles left to right. */
  private final Deque<TileRow> strip = new ArrayDeque<>();
  private TileRow filling;
  /** The largest distance from an anchor at which any Gaussian of the strip has weight. */
  private double anchorReach;
  /** Anchors per LR pixel per axis, the same in every tile; 0 before the first. */
  private int k;
  private int written;

  /** A row of tiles: the LR rows [y, y + height), full width once complete. */
  private record TileRow(int y, int height, List<TiledRender.Tile> tiles) {
    int bottom() {
      return y + height;
    }
  }

  /**
   * reach: the largest GaussianField.reach() of the image's tiles (LR pixels); maxSamples: the
   * most samples one sampleRows call evaluates.
   */
  public StripRender(BandSampler sampler, int lrWidth, int lrHeight, Scale scale, double reach, long maxSamples,
      TiledRender.RowSink sink) {
    this(sampler, lrWidth, lrHeight, scale, null, reach, maxSamples, sink);
  }

  /** The same for an image whose tiles' fields have that degradation (null: none). */
  public StripRender(BandSampler sampler, int lrWidth, int lrHeight, Scale scale, Degradation degradation,
      double reach, long maxSamples, TiledRender.RowSink sink) {
    this.sampler = sampler;
    this.lrWidth = lrWidth;
    this.lrHeight = lrHeight;
    this.grid = SampleGrid.of(lrWidth, lrHeight, scale, degradation);
    this.ry = (double) grid.height() / lrHeight;
    this.reach = reach;
    this.maxSamples = maxSamples;
    this.rgb8 = new Rgb8Rows(sink, grid.outWidth());
    this.interleaved = new float[3 * grid.width()];
    this.reducer = grid.reduces() ? grid.reducer(rgb8) : null;
  }

  @Override
  public void add(TiledRender.Tile tile) throws IOException {
    GaussianField f = tile.field();
    if (f.reach() > reach) {
      throw new IllegalStateException("the tile at (" + tile.x() + ", " + tile.y() + ") reaches " + f.reach()
          + " LR pixels past itself, more than the tiles' recorded reach " + reach);
    }
    if (filling != null && tile.y() != filling.y()) {
      if (tile.y() < filling.y()) {
        throw new IllegalArgumentException("tiles out of raster order: a tile at LR row " + tile.y()
            + " after one at " + filling.y());
      }
      complete();
    }
    if (filling == null) {
      filling = new TileRow(tile.y(), f.height(), new ArrayList<>());
    }
    int expectedX = filling.tiles().isEmpty() ? 0 : last(filling).x() + last(filling).field().width();
    if (tile.x() != expectedX || f.height() != filling.height() || (k != 0 && f.k() != k)) {
      throw new IllegalArgumentException("the tile at (" + tile.x() + ", " + tile.y() + "), " + f.width() + "x"
          + f.height() + " k=" + f.k() + ", does not continue its row of tiles (next x " + expectedX + ", height "
          + filling.height() + ")");
    }
    filling.tiles().add(tile);
    k = f.k();
    anchorReach = Math.max(anchorReach, anchorReach(f));
  }

  @Override
  public void finish() throws IOException {
    if (filling != null) {
      complete();
    }
    if (strip.isEmpty() || strip.peekLast().bottom() != lrHeight) {
      throw new IllegalStateException("the tiles end at LR row " + (strip.isEmpty() ? 0 : strip.peekLast().bottom())
          + " of " + lrHeight);
    }
    sampleUntil(grid.height());
  }

  /** The row of tiles being filled is complete: add it to the strip and sample what is final. */
  private void complete() throws IOException {
    TileRow row = filling;
    filling = null;
    int expectedY = strip.isEmpty() ? 0 : strip.peekLast().bottom();
    if (row.y() != expectedY || last(row).x() + last(row).field().width() != lrWidth) {
      throw new IllegalArgumentException("the row of tiles at LR row " + row.y() + " does not cover LR rows from "
          + expectedY + " at the full width " + lrWidth);
    }
    strip.addLast(row);
    if (row.bottom() < lrHeight) {
      // a sample row is final when no Gaussian of a later tile (at or below row.bottom(), reaching
      // at most reach above it) can reach it; one more pixel covers the rounding to sample rows
      sampleUntil((int) Math.max(0, Math.ceil((row.bottom() - reach - 1) * ry - 0.5)));
    }
  }

  /** Samples, reduces and writes the sample rows above end, in chunks of at most maxSamples. */
  private void sampleUntil(int end) throws IOException {
    long anchorsPerRow = (long) lrWidth * k * k;
    // LR rows a window may span, and so sample rows of a chunk once its margins are taken off
    long windowRows = Math.max(1, MAX_WINDOW_BYTES / (4L * PARAMS * anchorsPerRow));
    long chunkByWindow = (long) Math.floor((windowRows - 2 * anchorReach - 3) * ry);
    int chunk = (int) Math.max(1, Math.min(Math.min(maxSamples / grid.width(), chunkByWindow), grid.height()));
    while (written < end) {
      int rows = Math.min(chunk, end - written);
      sampleChunk(written, rows);
      written += rows;
      dropRowsAbove(firstWindowRow(written));
    }
  }

  private void sampleChunk(int firstRow, int rows) throws IOException {
    int top = Math.max(strip.peekFirst().y(), firstWindowRow(firstRow));
    double lastY = (firstRow + rows - 0.5) / ry;
    int bottom = Math.min(strip.peekLast().bottom(), (int) Math.floor(lastY + anchorReach) + 2);
    FloatImage samples = sampler.sampleRows(window(top, bottom), top, lrHeight, grid, firstRow, rows);
    float[] d = samples.data();
    int w = grid.width();
    int plane = w * rows;
    for (int j = 0; j < rows; j++) {
      for (int u = 0, i = j * w, o = 0; u < w; u++, i++, o += 3) {
        interleaved[o] = d[i];
        interleaved[o + 1] = d[plane + i];
        interleaved[o + 2] = d[2 * plane + i];
      }
      if (reducer == null) {
        rgb8.write(interleaved);
      } else {
        try {
          reducer.push(interleaved, 0);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
    }
  }

  /** The first LR row whose anchors may reach sample row v (one more for the rounding of floor). */
  private int firstWindowRow(int v) {
    return Math.max(0, (int) Math.floor((v + 0.5) / ry - anchorReach) - 1);
  }

  /** Forgets the rows of tiles that end above LR row y: no sample still to come needs them. */
  private void dropRowsAbove(int y) {
    while (strip.size() > 1 && strip.peekFirst().bottom() <= y) {
      strip.removeFirst();
    }
  }

  /** The field of LR rows [top, bottom) at full width, from the strip's tiles. */
  private GaussianField window(int top, int bottom) {
    int gw = k * lrWidth;
    int n = gw * k * (bottom - top);
    float[] out = new float[PARAMS * n];
    for (TileRow row : strip) {
      int from = Math.max(top, row.y());
      int to = Math.min(bottom, row.bottom());
      if (from >= to) {
        continue;
      }
      for (TiledRender.Tile t : row.tiles()) {
        GaussianField f = t.field();
        float[] p = f.params();
        int tn = f.count();
        int tgw = f.gridWidth();
        for (int plane = 0; plane < PARAMS; plane++) {
          for (int b = k * (from - row.y()); b < k * (to - row.y()); b++) {
            System.arraycopy(p, plane * tn + b * tgw, out, plane * n + (k * (row.y() - top) + b) * gw + k * t.x(),
                tgw);
          }
        }
      }
    }
    return new GaussianField(lrWidth, bottom - top, k, out);
  }

  /**
   * The distance from its anchor beyond which a Gaussian of f has no weight, at most: its offset
   * plus the half-width of its e = TAU box, on the farther axis (what the gather's window uses).
   */
  public static double anchorReach(GaussianField f) {
    float[] p = f.params();
    int n = f.count();
    double most = 0;
    for (int i = 0; i < n; i++) {
      double l11 = p[L11 * n + i];
      double l21 = p[L21 * n + i];
      double l22 = p[L22 * n + i];
      double rx = Math.abs(p[DX * n + i]) + FieldContract.boxHalfWidth(l11 * l11);
      double ryy = Math.abs(p[DY * n + i]) + FieldContract.boxHalfWidth(l21 * l21 + l22 * l22);
      most = Math.max(most, Math.max(rx, ryy));
    }
    return most;
  }

  private static TiledRender.Tile last(TileRow row) {
    return row.tiles().get(row.tiles().size() - 1);
  }
}
