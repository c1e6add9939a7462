package dev.p2g.render.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The JVM's CUDA state: whether the driver starts, and one context (the device's primary
 * context) with the kernels loaded per device, shared by every task of the executor.
 * JCuda throws UnsatisfiedLinkError on first use without a driver and NoClassDefFoundError
 * after that, so the first outcome is remembered.
 */
public final class CudaDevices {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CudaDevices.class);
  private static final String FATBIN = "/dev/p2g/cuda/p2g_render.fatbin";
  public static final String NO_DRIVER = "no NVIDIA driver here";
  private static Optional<String> initProblem;
  private static final Map<Integer, Device> DEVICES = new HashMap<>();

  /** A device's context and the kernels in it. */
  public record Device(int ordinal, CUcontext context, CUfunction prepare, CUfunction render,
      CUfunction reduceAcross, CUfunction reduceDown) {
    /** Makes the context current on the calling thread (CUDA contexts are per thread). */
    public void makeCurrent() {
      cuCtxSetCurrent(context);
    }
  }

  private CudaDevices() {}

  /** Why CUDA cannot render on this GPU, or empty when it can (the kernels are then loaded). */
  public static synchronized Optional<String> problem(int ordinal) {
    Optional<String> init = init();
    if (init.isPresent()) {
      return init;
    }
    try {
      device(ordinal);
      return Optional.empty();
    } catch (CudaException | IOException | IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  public static synchronized Device device(int ordinal) throws IOException {
    Device d = DEVICES.get(ordinal);
    if (d != null) {
      return d;
    }
    Optional<String> init = init();
    if (init.isPresent()) {
      throw new IllegalStateException("CUDA is not available: " + init.get());
    }
    int[] count = {0};
    cuDeviceGetCount(count);
    if (ordinal < 0 || ordinal >= count[0]) {
      throw new IllegalArgumentException("GPU " + ordinal + " does not exist (" + count[0] + " visible)");
    }
    CUdevice dev = new CUdevice();
    cuDeviceGet(dev, ordinal);
    CUcontext ctx = new CUcontext();
    cuDevicePrimaryCtxRetain(ctx, dev);
    cuCtxSetCurrent(ctx);
    CUmodule module = new CUmodule();
    cuModuleLoadData(module, fatbin());
    CUfunction prepare = new CUfunction();
    cuModuleGetFunction(prepare, module, "p2g_prepare_kernel");
    CUfunction render = new CUfunction();
    cuModuleGetFunction(render, module, "p2g_render_kernel");
    CUfunction reduceAcross = new CUfunction();
    cuModuleGetFunction(reduceAcross, module, "p2g_reduce_across_kernel");
    CUfunction reduceDown = new CUfunction();
    cuModuleGetFunction(reduceDown, module, "p2g_reduce_down_kernel");
    d = new Device(ordinal, ctx, prepare, render, reduceAcross, reduceDown);
    DEVICES.put(ordinal, d);
    return d;
  }

  private static Optional<String> init() {
    if (initProblem == null) {
      try {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        int[] count = {0};
        cuDeviceGetCount(count);
        initProblem = count[0] > 0 ? Optional.empty() : Optional.of("the NVIDIA driver sees no GPU");
      } catch (LinkageError e) {
        initProblem = Optional.of(linkProblem(String.valueOf(e.getMessage())));
        // No driver is the usual CPU machine; anything else (a half-written extracted library,
        // a tmpdir without exec rights) needs its whole report, which the one line drops.
        if (!initProblem.get().startsWith(NO_DRIVER)) {
          LOG.warn("JCuda's native library cannot be loaded; java.io.tmpdir is {}", System.getProperty("java.io.tmpdir"),
              e);
        }
      } catch (CudaException e) {
        initProblem = Optional.of("cuInit failed: " + e.getMessage());
      }
    }
    return initProblem;
  }

  /** JCuda's message holds an OS report and nested stack traces: one line for people. */
  static String linkProblem(String message) {
    if (message.contains("libcuda.so.1")) {
      return NO_DRIVER + " (libcuda.so.1 cannot be loaded)";
    }
    return "JCuda's native library cannot be loaded: " + message.lines().findFirst().orElse(message);
  }

  private static byte[] fatbin() throws IOException {
    try (InputStream in = CudaDevices.class.getResourceAsStream(FATBIN)) {
      if (in == null) {
        throw new IOException(FATBIN + " is missing from the jar (udf/src/main/cuda/build.sh writes it)");
      }
      return in.readAllBytes();
    }
  }
}
