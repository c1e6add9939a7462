package dev.p2g.render;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;

/**
 * A BandSampler on the CPU renderer's splat (independent of the CUDA gather): the window's
 * Gaussians added into a band of the requested rows, clamped. Lets StripRender's strip, windows
 * and chunks be tested without a GPU; counts the calls and the largest window it was given.
 */
final class CpuBandSampler implements BandSampler {
  int calls;
  int tallestWindow;

  @Override
  public FloatImage sampleRows(GaussianField window, int originY, int lrHeight, SampleGrid grid, int firstRow,
      int rows) {
    calls++;
    tallestWindow = Math.max(tallestWindow, window.height());
    RenderBand band = new RenderBand(grid.width(), firstRow, rows);
    new CpuRenderer().splat(window, 0, originY, window.width(), lrHeight, grid, band);
    return band.toImage();
  }

  @Override
  public Device device() {
    return Device.CPU;
  }
}
