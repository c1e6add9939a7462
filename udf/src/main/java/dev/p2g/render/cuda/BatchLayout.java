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
 * upload is the jobs (72 bytes each) followed by every field's 8 parameter planes; the download
 * is every field's R, G, B output planes, in batch order. A batch with a level below scale 1
 * also has device-only buffers for the samples and the planes reduced across (SampleGrid);
 * otherwise the samples are the output. Kept apart from the JCuda calls so that
 * CudaBatchHostTest can check it against a host run of the kernels' code.
 */
final class BatchLayout {
  /** sizeof(p2g_job): five int64 offsets, eight int32. */
  static final int JOB_BYTES = 72;
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
  private final List<GaussianField> fields;
  private final List<SampleGrid> grids;

  BatchLayout(List<GaussianField> fields, Scale scale) {
    this.fields = fields;
    this.count = fields.size();
    this.grids = new ArrayList<>(count);
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
    for (GaussianField f : fields) {
      SampleGrid g = SampleGrid.of(f.width(), f.height(), scale);
      grids.add(g);
      params += (long) FieldContract.PARAMS * f.count();
      gaussians += f.count();
      samples += 3L * g.width() * g.height();
      mids += 3L * g.outWidth() * g.height();
      outs += 3L * g.outWidth() * g.outHeight();
      most = Math.max(most, f.count());
      sw = Math.max(sw, g.width());
      sh = Math.max(sh, g.height());
      w = Math.max(w, g.outWidth());
      h = Math.max(h, g.outHeight());
      reduced |= g.reduces();
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
    for (int i = 0; i < count; i++) {
      GaussianField f = fields.get(i);
      SampleGrid g = grids.get(i);
      up.putLong(params).putLong(gaussians).putLong(reduces ? samples : outs).putLong(mids).putLong(outs)
          .putInt(f.width()).putInt(f.height()).putInt(f.k())
          .putInt(g.width()).putInt(g.height()).putInt(g.outWidth()).putInt(g.outHeight()).putInt(0);
      params += (long) FieldContract.PARAMS * f.count();
      gaussians += f.count();
      samples += 3L * g.width() * g.height();
      mids += 3L * g.outWidth() * g.height();
      outs += 3L * g.outWidth() * g.outHeight();
    }
    for (GaussianField f : fields) {
      up.asFloatBuffer().put(f.params());
      up.position(up.position() + 4 * f.params().length);
    }
  }

  /** The images of the download, in batch order. */
  List<FloatImage> readDownload(ByteBuffer down) {
    down.order(ByteOrder.LITTLE_ENDIAN);
    List<FloatImage> images = new ArrayList<>(count);
    for (SampleGrid g : grids) {
      FloatImage image = FloatImage.blank(g.outWidth(), g.outHeight());
      float[] data = image.data();
      down.asFloatBuffer().get(data);
      down.position(down.position() + 4 * data.length);
      images.add(image);
    }
    return images;
  }
}
