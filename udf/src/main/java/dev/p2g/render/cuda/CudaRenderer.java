package dev.p2g.render.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.render.Renderer;
import dev.p2g.render.Scale;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * Renders fields with the CUDA kernels of src/main/cuda on one GPU: one per task, on its own
 * stream, reusing its device buffers and pinned host buffers from one batch to the next (they
 * only grow). A batch of fields at one scale is two kernel launches, whatever its size.
 * Not thread-safe: a task's thread uses it.
 */
public final class CudaRenderer implements Renderer, AutoCloseable {
  /** sizeof(p2g_job) in p2g_render.cu: three int64 offsets, six int32. */
  static final int JOB_BYTES = 48;
  /** sizeof(p2g_gaussian) in p2g_field.h: eight floats. */
  static final int GAUSSIAN_BYTES = 32;
  private static final int PREPARE_THREADS = 256;
  private static final int TILE = 16;

  private final CudaDevices.Device device;
  private final CUstream stream = new CUstream();
  private final Buffer jobs = new Buffer();
  private final Buffer params = new Buffer();
  private final Buffer gaussians = new Buffer();
  private final Buffer reach = new Buffer();
  private final Buffer out = new Buffer();
  private final PinnedBuffer hostUp = new PinnedBuffer();
  private final PinnedBuffer hostDown = new PinnedBuffer();

  public CudaRenderer(int ordinal) throws IOException {
    this.device = CudaDevices.device(ordinal);
    device.makeCurrent();
    cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
  }

  @Override
  public String device() {
    return "cuda:" + device.ordinal();
  }

  /** Enough fields that small images do not mean small launches. */
  @Override
  public int preferredBatch() {
    return 32;
  }

  @Override
  public FloatImage render(GaussianField field, Scale scale) {
    return renderAll(List.of(field), scale).get(0);
  }

  /** The fields at one scale, in one upload, two launches and one download. */
  @Override
  public List<FloatImage> renderAll(List<GaussianField> fields, Scale scale) {
    device.makeCurrent();
    int count = fields.size();
    long paramFloats = 0;
    long gaussianCount = 0;
    long outFloats = 0;
    long maxGaussians = 0;
    int maxW = 0;
    int maxH = 0;
    ByteBuffer jobBytes = ByteBuffer.allocate(count * JOB_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (GaussianField f : fields) {
      int outW = scale.outputWidth(f.width());
      int outH = scale.outputHeight(f.height());
      jobBytes.putLong(paramFloats).putLong(gaussianCount).putLong(outFloats)
          .putInt(f.width()).putInt(f.height()).putInt(f.k()).putInt(outW).putInt(outH).putInt(1);
      paramFloats += (long) FieldContract.PARAMS * f.count();
      gaussianCount += f.count();
      outFloats += 3L * outW * outH;
      maxGaussians = Math.max(maxGaussians, f.count());
      maxW = Math.max(maxW, outW);
      maxH = Math.max(maxH, outH);
    }
    long jobsSize = (long) count * JOB_BYTES;
    hostUp.ensure(jobsSize + 4 * paramFloats);
    hostDown.ensure(4 * outFloats);
    ByteBuffer up = hostUp.ptr.getByteBuffer(0, jobsSize + 4 * paramFloats).order(ByteOrder.LITTLE_ENDIAN);
    up.put(jobBytes.array());
    for (GaussianField f : fields) {
      up.asFloatBuffer().put(f.params());
      up.position(up.position() + 4 * f.params().length);
    }
    jobs.ensure(jobsSize);
    params.ensure(4 * paramFloats);
    gaussians.ensure(GAUSSIAN_BYTES * gaussianCount);
    reach.ensure(4L * count);
    out.ensure(4 * outFloats);

    cuMemcpyHtoDAsync(jobs.ptr, hostUp.ptr, jobsSize, stream);
    cuMemcpyHtoDAsync(params.ptr, hostUp.ptr.withByteOffset(jobsSize), 4 * paramFloats, stream);
    cuMemsetD32Async(reach.ptr, 0, count, stream);
    cuLaunchKernel(device.prepare(), (int) ((maxGaussians + PREPARE_THREADS - 1) / PREPARE_THREADS), count, 1,
        PREPARE_THREADS, 1, 1, 0, stream,
        Pointer.to(Pointer.to(jobs.ptr), Pointer.to(params.ptr), Pointer.to(gaussians.ptr), Pointer.to(reach.ptr)),
        null);
    cuLaunchKernel(device.render(), (maxW + TILE - 1) / TILE, (maxH + TILE - 1) / TILE, count,
        TILE, TILE, 1, 0, stream,
        Pointer.to(Pointer.to(jobs.ptr), Pointer.to(gaussians.ptr), Pointer.to(reach.ptr), Pointer.to(out.ptr)),
        null);
    cuMemcpyDtoHAsync(hostDown.ptr, out.ptr, 4 * outFloats, stream);
    cuStreamSynchronize(stream);

    ByteBuffer down = hostDown.ptr.getByteBuffer(0, 4 * outFloats).order(ByteOrder.LITTLE_ENDIAN);
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

  @Override
  public void close() {
    device.makeCurrent();
    cuStreamSynchronize(stream);
    for (Buffer b : new Buffer[] {jobs, params, gaussians, reach, out}) {
      b.free();
    }
    hostUp.free();
    hostDown.free();
    cuStreamDestroy(stream);
  }

  /** A device allocation that grows to the largest batch seen. */
  private static final class Buffer {
    final CUdeviceptr ptr = new CUdeviceptr();
    long bytes;

    void ensure(long need) {
      if (need > bytes) {
        free();
        cuMemAlloc(ptr, Math.max(need, 4));
        bytes = need;
      }
    }

    void free() {
      if (bytes > 0) {
        cuMemFree(ptr);
        bytes = 0;
      }
    }
  }

  /** Page-locked host memory (fast, asynchronous copies) that grows to the largest batch seen. */
  private static final class PinnedBuffer {
    Pointer ptr = new Pointer();
    long bytes;

    void ensure(long need) {
      if (need > bytes) {
        free();
        ptr = new Pointer();
        cuMemAllocHost(ptr, Math.max(need, 4));
        bytes = need;
      }
    }

    void free() {
      if (bytes > 0) {
        cuMemFreeHost(ptr);
        bytes = 0;
      }
    }
  }
}
