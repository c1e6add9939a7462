package dev.p2g.render;

import static dev.p2g.field.FieldContract.ANTI_ALIAS_RHO;

import dev.p2g.field.Degradation;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import java.awt.image.BufferedImage;

/**
 * The production CPU renderer of the field equation (docs/design.md, "Rendering"): each
 * Gaussian is splatted over the samples (SampleGrid: the output pixels, or the LR pixel centres
 * of a reduced axis, or factor times as many for a field with a degradation) inside its e = tau
 * ellipse's bounding box, a row of anchors at a time, its weights by recurrence (SplatRow), and
 * accumulated in float32 (interleaved, see RenderBand); a reduced level is then resized to its
 * output (RowResampler). Sample positions are kept in double so that far-from-origin
 * coordinates of large images lose no precision before the subtraction of the centre.
 */
public final class CpuRenderer implements Renderer {

  /** How levels below scale 1 are made: LANCZOS3 is the field equation, the others are for comparisons. */
  public enum Downscale {
    /** The field equation (docs/design.md, "Downscales"): scale-1 samples reduced by Lanczos3. */
    LANCZOS3,
    /**
     * The rule of the field equation before issue 16: each Gaussian convolved with a Gaussian
     * footprint of ANTI_ALIAS_RHO output pixels. Kept so benchmarks can show the difference.
     */
    FOOTPRINT,
    /** No filter: the field point-sampled at output pixel centres, which aliases. */
    POINT
  }

  private final Downscale downscale;

  public CpuRenderer() {
    this(Downscale.LANCZOS3);
  }

  public CpuRenderer(Downscale downscale) {
    this.downscale = downscale;
  }

  @Override
  public Device device() {
    return Device.CPU;
  }

  @Override
  public FloatImage render(GaussianField field, Scale scale) {
    return renderWhole(field, scale).toImage();
  }

  /** Straight from the accumulators to 8 bits: no planar float copy of the output. */
  @Override
  public BufferedImage renderRgb8(GaussianField field, Scale scale) {
    return renderWhole(field, scale).toRgb8();
  }

  /** Whether this renderer evaluates the field equation's rule (LANCZOS3), which windows need. */
  boolean evaluatesFieldEquation() {
    return downscale == Downscale.LANCZOS3;
  }

  /** The sample grid this renderer evaluates for a level of an LR image whose field has no degradation. */
  public SampleGrid grid(int lrWidth, int lrHeight, Scale scale) {
    return grid(lrWidth, lrHeight, scale, null);
  }

  /** The sample grid this renderer evaluates for a level of an LR image whose field has that degradation. */
  public SampleGrid grid(int lrWidth, int lrHeight, Scale scale, Degradation degradation) {
    return downscale == Downscale.LANCZOS3
        ? SampleGrid.of(lrWidth, lrHeight, scale, degradation)
        : SampleGrid.direct(lrWidth, lrHeight, scale);
  }

  /** FOOTPRINT's standard deviation in LR pixels on an axis sampled at ratio r; 0 for the other rules. */
  double footprintSigma(double r) {
    return downscale == Downscale.FOOTPRINT && r < 1 ? ANTI_ALIAS_RHO / r : 0;
  }

  private RenderBand renderWhole(GaussianField field, Scale scale) {
    SampleGrid grid = grid(field.width(), field.height(), scale, field.degradation());
    RenderBand samples = new RenderBand(grid.width(), 0, grid.height());
    splat(field, 0, 0, field.width(), field.height(), grid, samples);
    if (!grid.reduces()) {
      return samples;
    }
    RenderBand out = new RenderBand(grid.outWidth(), 0, grid.outHeight());
    RowResampler reducer = grid.reducer(out::setRow);
    float[] data = samples.data();
    for (int j = 0, row = 3 * grid.width(); j < grid.height(); j++) {
      reducer.push(data, j * row);
    }
    return out;
  }

  /**
   * Adds the Gaussians of a tile's field, whose rectangle starts at (originX, originY) in an LR
   * image of lrWidth x lrHeight, to the band of that image's samples on grid (see grid()).
   * Returns how many Gaussians reach outside the band (above it: rows already written; below it:
   * rows it cannot hold). Those contributions are lost, so a caller that streams bands treats a
   * non-zero count as an error; with the band sized by the tiles' reach it is zero.
   */
  public long splat(GaussianField field, int originX, int originY, int lrWidth, int lrHeight, SampleGrid grid,
      RenderBand band) {
    int outW = grid.width();
    int outH = grid.height();
    int left = band.firstColumn();
    if (left + band.width() > outW) {
      throw new IllegalArgumentException("band's columns " + left + " to " + (left + band.width()) + " pass the sample grid's "
          + outW);
    }
    double rx = (double) outW / lrWidth;
    double ry = (double) outH / lrHeight;
    // FOOTPRINT's variance in LR pixels per axis; zero on axes that are not downscaled.
    double padX = sq(footprintSigma(rx));
    double padY = sq(footprintSigma(ry));
    double[] sampleX = new double[band.width()]; // sample u is the field at (u + 0.5) / s
    for (int u = 0; u < sampleX.length; u++) {
      sampleX[u] = (left + u + 0.5) / rx;
    }
    int top = band.firstRow();
    int bottom = Math.min(outH, top + band.rows()) - 1;
    double[] sampleY = new double[Math.max(0, bottom - top + 1)]; // row top + j samples (top + j + 0.5) / s
    for (int j = 0; j < sampleY.length; j++) {
      sampleY[j] = (top + j + 0.5) / ry;
    }
    SplatRow row = new SplatRow(field, originX, originY, padX, padY, grid, left, sampleX, sampleY, top);
    long outside = 0;
    for (int first = 0, n = field.count(); first < n; first += field.gridWidth()) {
      outside += row.prepare(first);
      row.accumulate(band.data());
    }
    return outside;
  }

  private static double sq(double v) {
    return v * v;
  }
}
