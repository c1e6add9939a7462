package dev.p2g.render;

import dev.p2g.field.FieldContract;

/**
 * Where a level samples the field (docs/design.md, "Rendering" and "Downscales"): an axis that
 * is not reduced is sampled at its output pixels; a reduced axis (fewer output pixels than LR
 * pixels) is sampled at the LR pixel centres, the field's own scale-1 image, and reduced to the
 * output by Lanczos3 stretched by FieldContract.REDUCTION_STRETCH. The CPU renderers take their
 * grid and reduction from here; BatchLayout lays the same grid out for the CUDA kernels.
 */
public record SampleGrid(int width, int height, int outWidth, int outHeight) {

  public static SampleGrid of(int lrWidth, int lrHeight, Scale scale) {
    int outW = scale.outputWidth(lrWidth);
    int outH = scale.outputHeight(lrHeight);
    return new SampleGrid(Math.max(outW, lrWidth), Math.max(outH, lrHeight), outW, outH);
  }

  /** The grid of a point-sampled level (no reduction): what the field equation samples directly. */
  public static SampleGrid direct(int lrWidth, int lrHeight, Scale scale) {
    int outW = scale.outputWidth(lrWidth);
    int outH = scale.outputHeight(lrHeight);
    return new SampleGrid(outW, outH, outW, outH);
  }

  public boolean reduces() {
    return width != outWidth || height != outHeight;
  }

  /** The reduction from this grid to the output, row by row. */
  public RowResampler reducer(RowResampler.Rows sink) {
    return new RowResampler(axis(width, outWidth), axis(height, outHeight), true, sink);
  }

  private static AxisWeights axis(int in, int out) {
    return AxisWeights.of(ResampleFilter.LANCZOS3, in, out, FieldContract.REDUCTION_STRETCH);
  }

  /** How many samples of the field the level evaluates (at least its output pixels). */
  public long samples() {
    return (long) width * height;
  }
}
