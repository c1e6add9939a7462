package dev.p2g.render.cuda;

import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.render.Scale;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * How a batch of fields at one scale lies in the kernels' buffers (p2g_job in p2g_field.h): the
 * upload is the jobs (48 bytes each) followed by every field's 8 parameter planes; the download
 * is every field's R, G, B output planes, in batch order. Kept apart from the JCuda calls so
 * that CudaBatchHostTest can check it against a host run of the kernels' code.
 */
final class BatchLayout {
  /** sizeof(p2g_job): three int64 offsets, six int32. */
  static final int JOB_BYTES = 48;
  /** sizeof(p2g_gaussian): eight floats. */
  static final int GAUSSIAN_BYTES = 32;

  final int count;
  final long paramFloats;
  final long gaussianCount;
  final long outFloats;
  final long maxGaussians;
  final int maxOutWidth;
  final int maxOutHeight;
  private final List<GaussianField> fields;
  private final Scale scale;

  BatchLayout(List<GaussianField> fields, Scale scale) {
    this.fields = fields;
    this.scale = scale;
    this.count = fields.size();
    long params = 0;
    long gaussians = 0;
    long outs = 0;
    long most = 0;
    int w = 0;
    int h = 0;
    for (GaussianField f : fields) {
      params += (long) FieldContract.PARAMS * f.count();
      gaussians += f.count();
      outs += 3L * scale.outputWidth(f.width()) * scale.outputHeight(f.height());
      most = Math.max(most, f.count());
      w = Math.max(w, scale.outputWidth(f.width()));
      h = Math.max(h, scale.outputHeight(f.height()));
    }
    this.paramFloats = params;
    this.gaussianCount = gaussians;
    this.outFloats = outs;
    this.maxGaussians = most;
    this.maxOutWidth = w;
    this.maxOutHeight = h;
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
    long outs = 0;
    for (GaussianField f : fields) {
      int outW = scale.outputWidth(f.width());
      int outH = scale.outputHeight(f.height());
      up.putLong(params).putLong(gaussians).putLong(outs)
          .putInt(f.width()).putInt(f.height()).putInt(f.k()).putInt(outW).putInt(outH).putInt(1);
      params += (long) FieldContract.PARAMS * f.count();
      gaussians += f.count();
      outs += 3L * outW * outH;
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
    for (GaussianField f : fields) {
      FloatImage image = FloatImage.blank(scale.outputWidth(f.width()), scale.outputHeight(f.height()));
      float[] data = image.data();
      down.asFloatBuffer().get(data);
      down.position(down.position() + 4 * data.length);
      images.add(image);
    }
    return images;
  }
}
