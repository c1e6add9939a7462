package dev.p2g.render;

import dev.p2g.field.Degradation;
import dev.p2g.field.FieldContract;

/**
 * Where a level samples the field (docs/design.md, "Rendering" and "Scale 1 and downscales"): an
 * axis with more output pixels than LR pixels is sampled at its output pixels. An axis with at
 * most as many is reduced: a field that interpolates its samples (no degradation) is sampled at
 * the LR pixel centres, its own scale-1 image, and an axis with fewer outputs is reduced from
 * them by Lanczos3 stretched by FieldContract.REDUCTION_STRETCH; a field of a model trained on a
 * degradation is sampled at factor times the LR pixels (Degradation.renderScale) and reduced
 * to the LR size as training reduced (bicubic), then on by the same Lanczos3, in one pass of the
 * composed weights. The CPU renderers take their grid and reduction from here; BatchLayout lays
 * the same grid out for the CUDA kernels.
 */
public record SampleGrid(int width, int height, int outWidth, int outHeight, int lrWidth, int lrHeight,
    int factor) {

  /** The grid of a level of an LR image whose field interpolates its samples (no degradation). */
  public static SampleGrid of(int lrWidth, int lrHeight, Scale scale) {
    return of(lrWidth, lrHeight, scale, null);
  }

  /** The grid of a level of an LR image whose field has the given degradation (null: none). */
  public static SampleGrid of(int lrWidth, int lrHeight, Scale scale, Degradation degradation) {
    int outW = scale.outputWidth(lrWidth);
    int outH = scale.outputHeight(lrHeight);
    int factor = degradation == null ? 1 : degradation.renderScale();
    return new SampleGrid(samples(lrWidth, outW, factor), samples(lrHeight, outH, factor), outW, outH, lrWidth,
        lrHeight, factor);
  }

  /** The grid of a point-sampled level (no reduction): what the field equation samples directly. */
  public static SampleGrid direct(int lrWidth, int lrHeight, Scale scale) {
    int outW = scale.outputWidth(lrWidth);
    int outH = scale.outputHeight(lrHeight);
    return new SampleGrid(outW, outH, outW, outH, lrWidth, lrHeight, 1);
  }

  private static int samples(int lr, int out, int factor) {
    return out > lr ? out : Math.multiplyExact(factor, lr);
  }

  public boolean reduces() {
    return width != outWidth || height != outHeight;
  }

  /** The reduction from this grid to the output, row by row. */
  public RowResampler reducer(RowResampler.Rows sink) {
    return new RowResampler(axis(width, lrWidth, outWidth, factor), axis(height, lrHeight, outHeight, factor), true,
        sink);
  }

  /** The weights of one axis from its samples to its output (an identity where it is not reduced). */
  static AxisWeights axis(int samples, int lr, int out, int factor) {
    if (samples == out || factor == 1) {
      return AxisWeights.of(ResampleFilter.LANCZOS3, samples, out, FieldContract.REDUCTION_STRETCH);
    }
    AxisWeights toLr = AxisWeights.of(ResampleFilter.BICUBIC, samples, lr);
    return lr == out ? toLr
        : toLr.then(AxisWeights.of(ResampleFilter.LANCZOS3, lr, out, FieldContract.REDUCTION_STRETCH));
  }

  /** How many samples of the field the level evaluates (at least its output pixels). */
  public long samples() {
    return (long) width * height;
  }
}
