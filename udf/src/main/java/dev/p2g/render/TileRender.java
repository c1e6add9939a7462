package dev.p2g.render;

import java.io.IOException;

/**
 * Renders one level of an image stored as tiles, taking its tiles in raster order and giving
 * finished output rows to a TiledRender.RowSink as soon as no later tile can change them:
 * TiledRender splats on the CPU, StripRender gathers through a BandSampler (the GPU).
 */
public interface TileRender {
  void add(TiledRender.Tile tile) throws IOException;

  /** Writes the rest of the image; call once after the last tile. */
  void finish() throws IOException;
}
