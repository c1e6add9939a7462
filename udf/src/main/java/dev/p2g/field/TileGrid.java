package dev.p2g.field;

/**
 * How an image is cut into tiles (DESIGN.md: tiles of T x T in raster order, smaller at the
 * right and bottom edges): the one place the count is worked out, for the encoder, the planning
 * of large images in parts, and the check that an image's tiles are all stored.
 */
public final class TileGrid {
  private TileGrid() {}

  /** Tiles an image of this size has at a tile side. */
  public static int count(int width, int height, int tile) {
    return ((width + tile - 1) / tile) * ((height + tile - 1) / tile);
  }
}
