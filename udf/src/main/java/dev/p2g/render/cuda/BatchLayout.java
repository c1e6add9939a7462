package dev.p2g.render.cuda;

import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.render.SampleGrid;
import dev.p2g.render.Scale;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * How a batch of fields at one scale lies in the kernels' buffers (p2g_job in p2g_field.h): the
 * upload is the jobs (88 bytes each) followed by every field's 8 parameter planes; the download
 * is every job's R, G, B output planes, in batch order. A batch with a level below scale 1
 * also has device-only buffers for the samples and the planes reduced across (SampleGrid);
 * otherwise the samples are the output. A band of a tiled image (band()) is a batch of one job
 * whose output is its sample rows, unreduced. Kept apart from the JCuda calls so that
 * CudaBatchHostTest can check it against a host run of the kernels' code.
 */
final class BatchLayout {
  /** sizeof(p2g_job): five int64 offsets, twelve int32. */
  static final int JOB_BYTES = 88;
  /** sizeof(p2g_gaussian): eight floats. */
  static final int GAUSSIAN_BYTES = 32;

  final int count;
  final long paramFloats;
  final long gaussianCount;
  /** Whether any field's level is reduced: then the samples and mid buffers are used. */
  final boolean reduces;
  final long sampleFloats;
  final long midFloats;
  final long outFloats;
  final long maxGaussians;
  final int maxSampleWidth;
  final int maxSampleHeight;
  final int maxOutWidth;
  final int maxOutHeight;
  private final List<Job> jobs;

  /**
   * One p2g_job: the field, the sample rows [row0, row0 + sampleHeight) of a grid of gridHeight
   * rows for an LR image of imageHeight rows whose row originY is the field's first, and the
   * output those samples are reduced to (out = samples when nothing is reduced).
   */
  private record Job(GaussianField field, int originY, int imageHeight, int gridHeight, int row0, int sampleWidth,
      int sampleHeight, int outWidth, int outHeight, int factor) {
    static Job whole(GaussianField f, SampleGrid g) {
      return new Job(f, 0, f.height(), g.height(), 0, g.width(), g.height(), g.outWidth(), g.outHeight(),
          g.factor());
    }

    boolean reduces() {
      return sampleWidth != outWidth || sampleHeight != outHeight;
    }
  }

  BatchLayout(List<GaussianField> fields, Scale scale) {
    this(fields.stream().map(f -> Job.whole(f, SampleGrid.of(f.width(), f.height(), scale, f.degradation())))
        .toList());
  }

  /**
   * The samples of rows [row0, row0 + rows) of grid, the sample grid of an LR image lrHeight rows
   * high, from window: that image's LR rows [originY, originY + window.height()), at full width.
   * The window must hold every anchor whose Gaussian reaches those rows (StripRender sizes it).
   */
  static BatchLayout band(GaussianField window, int originY, int lrHeight, SampleGrid grid, int row0, int rows) {
    if (originY < 0 || originY + window.height() > lrHeight || row0 < 0 || rows <= 0 || row0 + rows > grid.height()) {
      throw new IllegalArgumentException("band: LR rows [" + originY + ", " + (originY + window.height()) + ") of "
          + lrHeight + ", sample rows [" + row0 + ", " + (row0 + rows) + ") of " + grid.height());
    }
    return new BatchLayout(List.of(new Job(window, originY, lrHeight, grid.height(), row0, grid.width(), rows,
        grid.width(), rows, 1)));
  }

  private BatchLayout(List<Job> jobs) {
    this.jobs = jobs;
    this.count = jobs.size();
    long params = 0;
    long gaussians = 0;
    long samples = 0;
    long mids = 0;
    long outs = 0;
    long most = 0;
    int sw = 0;
    int sh = 0;
    int w = 0;
    int h = 0;
    boolean reduced = false;
    for (Job j : jobs) {
      GaussianField f = j.field();
      params += (long) FieldContract.PARAMS * f.count();
      gaussians += f.count();
      samples += 3L * j.sampleWidth() * j.sampleHeight();
      mids += 3L * j.outWidth() * j.sampleHeight();
      outs += 3L * j.outWidth() * j.outHeight();
      most = Math.max(most, f.count());
      sw = Math.max(sw, j.sampleWidth());
      sh = Math.max(sh, j.sampleHeight());
      w = Math.max(w, j.outWidth());
      h = Math.max(h, j.outHeight());
      reduced |= j.reduces();
    }
    this.paramFloats = params;
    this.gaussianCount = gaussians;
    this.reduces = reduced;
    this.sampleFloats = reduced ? samples : 0;
    this.midFloats = reduced ? mids : 0;
    this.outFloats = outs;
    this.maxGaussians = most;
    this.maxSampleWidth = sw;
    this.maxSampleHeight = sh;
    this.maxOutWidth = w;
    this.maxOutHeight = h;
  }

  /**
   * Refuses, before anything is allocated, a batch whose upload or download would not fit one
   * Java buffer (2 GiB): one output that large (about 178 M pixels of float RGB) is a field's
   * error, not an overflow that leaves pinned memory behind.
   */
  void requireBufferable() {
    if (downloadBytes() > Integer.MAX_VALUE || uploadBytes() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the GPU render of " + maxOutWidth + "x" + maxOutHeight + " needs "
          + (Math.max(downloadBytes(), uploadBytes()) >> 20) + " MB in one buffer, over the 2048 MB a batch can"
          + " move; render this scale with --device cpu or choose a smaller scale");
    }
  }

  long jobBytes() {
    return (long) count * JOB_BYTES;
  }

  long uploadBytes() {
    return jobBytes() + 4 * paramFloats;
  }

  long downloadBytes() {
    return 4 * outFloats;
  }

  /** Writes the upload (jobs, then parameters) at the buffer's position, little-endian. */
  void writeUpload(ByteBuffer up) {
    up.order(ByteOrder.LITTLE_ENDIAN);
    long params = 0;
    long gaussians = 0;
    long samples = 0;
    long mids = 0;
    long outs = 0;
    for (Job j : jobs) {
      GaussianField f = j.field();
      up.putLong(params).putLong(gaussians).putLong(reduces ? samples : outs).putLong(mids).putLong(outs)
          .putInt(f.width()).putInt(f.height()).putInt(f.k())
          .putInt(j.sampleWidth()).putInt(j.sampleHeight()).putInt(j.outWidth()).putInt(j.outHeight())
          .putInt(j.originY()).putInt(j.imageHeight()).putInt(j.gridHeight()).putInt(j.row0()).putInt(j.factor());
      params += (long) FieldContract.PARAMS * f.count();
      gaussians += f.count();
      samples += 3L * j.sampleWidth() * j.sampleHeight();
      mids += 3L * j.outWidth() * j.sampleHeight();
      outs += 3L * j.outWidth() * j.outHeight();
    }
    for (Job j : jobs) {
      float[] p = j.field().params();
      up.asFloatBuffer().put(p);
      up.position(up.position() + 4 * p.length);
    }
  }

  /** The images of the download, in batch order. */
  List<FloatImage> readDownload(ByteBuffer down) {
    down.order(ByteOrder.LITTLE_ENDIAN);
    List<FloatImage> images = new ArrayList<>(count);
    for (Job j : jobs) {
      FloatImage image = FloatImage.blank(j.outWidth(), j.outHeight());
      float[] data = image.data();
      down.asFloatBuffer().get(data);
      down.position(down.position() + 4 * data.length);
      images.add(image);
    }
    return images;
  }
}
