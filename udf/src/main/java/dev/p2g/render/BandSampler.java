package dev.p2g.render;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;

/**
 * Evaluates the field of a large image a band of sample rows at a time, from a window of its
 * field: what StripRender needs of a renderer that gathers (the CUDA kernels) rather than
 * splats Gaussians into a band.
 */
public interface BandSampler {
  /**
   * Rows [firstRow, firstRow + rows) of grid (the sample grid of an LR image lrHeight rows high),
   * clamped to [0, 1] and unreduced, from window: the image's LR rows [originY, originY +
   * window.height()) at full width, holding every anchor whose Gaussian reaches those rows.
   */
  FloatImage sampleRows(GaussianField window, int originY, int lrHeight, SampleGrid grid, int firstRow, int rows);

  /** Names the device in the manifest ("cuda:0"). */
  Device device();
}
