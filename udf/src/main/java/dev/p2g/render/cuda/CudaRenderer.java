package dev.p2g.render.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
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

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import dev.p2g.render.BandSampler;
import dev.p2g.render.GpuUnusableException;
import dev.p2g.render.Renderer;
import dev.p2g.render.SampleGrid;
import dev.p2g.render.Scale;
import java.io.IOException;
import java.util.List;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders fields with the CUDA kernels of src/main/cuda on one GPU: one per task, on its own
 * stream, reusing its device buffers and pinned host buffers from one batch to the next (they
 * only grow). A batch of fields at one scale is two kernel launches, whatever its size, and two
 * more (the Lanczos3 reduction) for a level below scale 1.
 * Not thread-safe: a task's thread uses it.
 */
public final class CudaRenderer implements Renderer, BandSampler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CudaRenderer.class);
  private static final int PREPARE_THREADS = 256;
  private static final int TILE = 16;

  private final CudaDevices.Device device;
  private final CUstream stream = new CUstream();
  private final Buffer jobs = new Buffer();
  private final Buffer params = new Buffer();
  private final Buffer gaussians = new Buffer();
  private final Buffer reach = new Buffer();
  private final Buffer samples = new Buffer();
  private final Buffer mid = new Buffer();
  private final Buffer out = new Buffer();
  private final PinnedBuffer hostUp = new PinnedBuffer();
  private final PinnedBuffer hostDown = new PinnedBuffer();
  /** Stream marks around the upload, the kernels and the download of the last batch. */
  private final CUevent[] marks = {new CUevent(), new CUevent(), new CUevent(), new CUevent()};
  private Timings last;

  /** The last batch's GPU times, from CUDA events on its stream: what the kit reports. */
  public record Timings(double uploadMs, double kernelMs, double downloadMs) {}

  public CudaRenderer(int ordinal) throws IOException {
    this.device = CudaDevices.device(ordinal);
    device.makeCurrent();
    cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
    for (CUevent e : marks) {
      cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT);
    }
  }

  public Timings lastTimings() {
    return last;
  }

  @Override
  public Device device() {
    return Device.cuda(device.ordinal());
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

  /**
   * The fields at one scale, in one upload, two (or four) launches and one download.
   *
   * @throws GpuUnusableException after a sticky CUDA error, which no later call would survive
   */
  @Override
  public List<FloatImage> renderAll(List<GaussianField> fields, Scale scale) {
    return run(new BatchLayout(fields, scale));
  }

  /**
   * Sample rows of a tiled image from a window of its field, in one launch (two with the
   * preparation); the rows come back unreduced, for StripRender to reduce on the host.
   *
   * @throws GpuUnusableException after a sticky CUDA error
   */
  @Override
  public FloatImage sampleRows(GaussianField window, int originY, int lrHeight, SampleGrid grid, int firstRow,
      int rows) {
    return run(BatchLayout.band(window, originY, lrHeight, grid, firstRow, rows)).get(0);
  }

  private List<FloatImage> run(BatchLayout batch) {
    try {
      return launch(batch);
    } catch (CudaException e) {
      if (CudaErrors.isSticky(e)) {
        throw new GpuUnusableException(device().toString(), e);
      }
      throw e;
    }
  }

  private List<FloatImage> launch(BatchLayout batch) {
    device.makeCurrent();
    batch.requireBufferable();
    hostUp.ensure(batch.uploadBytes());
    hostDown.ensure(batch.downloadBytes());
    batch.writeUpload(hostUp.ptr.getByteBuffer(0, batch.uploadBytes()));
    jobs.ensure(batch.jobBytes());
    params.ensure(4 * batch.paramFloats);
    gaussians.ensure(BatchLayout.GAUSSIAN_BYTES * batch.gaussianCount);
    reach.ensure(4L * batch.count);
    out.ensure(batch.downloadBytes());
    samples.ensure(4 * batch.sampleFloats);
    mid.ensure(4 * batch.midFloats);
    CUdeviceptr sampled = batch.reduces ? samples.ptr : out.ptr;

    cuEventRecord(marks[0], stream);
    cuMemcpyHtoDAsync(jobs.ptr, hostUp.ptr, batch.jobBytes(), stream);
    cuMemcpyHtoDAsync(params.ptr, hostUp.ptr.withByteOffset(batch.jobBytes()), 4 * batch.paramFloats, stream);
    cuEventRecord(marks[1], stream);
    cuMemsetD32Async(reach.ptr, 0, batch.count, stream);
    cuLaunchKernel(device.prepare(), (int) ((batch.maxGaussians + PREPARE_THREADS - 1) / PREPARE_THREADS),
        batch.count, 1, PREPARE_THREADS, 1, 1, 0, stream,
        Pointer.to(Pointer.to(jobs.ptr), Pointer.to(params.ptr), Pointer.to(gaussians.ptr), Pointer.to(reach.ptr)),
        null);
    cuLaunchKernel(device.render(), blocks(batch.maxSampleWidth), blocks(batch.maxSampleHeight),
        batch.count, TILE, TILE, 1, 0, stream,
        Pointer.to(Pointer.to(jobs.ptr), Pointer.to(gaussians.ptr), Pointer.to(reach.ptr), Pointer.to(sampled)),
        null);
    if (batch.reduces) {
      cuLaunchKernel(device.reduceAcross(), blocks(batch.maxOutWidth), blocks(batch.maxSampleHeight), batch.count,
          TILE, TILE, 1, 0, stream,
          Pointer.to(Pointer.to(jobs.ptr), Pointer.to(samples.ptr), Pointer.to(mid.ptr)), null);
      cuLaunchKernel(device.reduceDown(), blocks(batch.maxOutWidth), blocks(batch.maxOutHeight), batch.count,
          TILE, TILE, 1, 0, stream,
          Pointer.to(Pointer.to(jobs.ptr), Pointer.to(mid.ptr), Pointer.to(out.ptr)), null);
    }
    cuEventRecord(marks[2], stream);
    cuMemcpyDtoHAsync(hostDown.ptr, out.ptr, batch.downloadBytes(), stream);
    cuEventRecord(marks[3], stream);
    cuStreamSynchronize(stream);
    last = new Timings(elapsed(marks[0], marks[1]), elapsed(marks[1], marks[2]), elapsed(marks[2], marks[3]));
    return batch.readDownload(hostDown.ptr.getByteBuffer(0, batch.downloadBytes()));
  }

  private static double elapsed(CUevent from, CUevent to) {
    float[] ms = {0};
    cuEventElapsedTime(ms, from, to);
    return ms[0];
  }

  private static int blocks(int threads) {
    return (threads + TILE - 1) / TILE;
  }

  /**
   * Frees every buffer, each on its own: after a sticky error synchronisation fails, and some
   * frees may too, but pinned host memory must still go back (it is the executor's, not the GPU's).
   * The first failure is logged; close never throws, as it runs in a task-completion listener.
   */
  @Override
  public void close() {
    List<Runnable> steps = new java.util.ArrayList<>();
    steps.add(device::makeCurrent);
    steps.add(() -> cuStreamSynchronize(stream));
    for (Buffer b : new Buffer[] {jobs, params, gaussians, reach, samples, mid, out}) {
      steps.add(b::free);
    }
    steps.add(hostUp::free);
    steps.add(hostDown::free);
    steps.add(() -> cuStreamDestroy(stream));
    for (CUevent e : marks) {
      steps.add(() -> cuEventDestroy(e));
    }
    RuntimeException first = null;
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      LOG.warn("closing the CUDA renderer on {}: {}", device(), first.getMessage());
    }
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

    /** Forgets the allocation first, so that a free that throws is never tried twice. */
    void free() {
      if (bytes > 0) {
        bytes = 0;
        cuMemFree(ptr);
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
        bytes = 0;
        cuMemFreeHost(ptr);
      }
    }
  }
}
