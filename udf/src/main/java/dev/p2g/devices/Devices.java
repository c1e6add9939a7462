package dev.p2g.devices;

import dev.p2g.encode.OnnxSessions;
import dev.p2g.render.cuda.CudaDevices;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of GPUs on the Spark side: what Spark tells a task about its GPUs (its address,
 * whether it runs in local mode), and whether CUDA works for the encoder and the renderer.
 * TaskEncoders and TaskRenderers choose a task's device through it, and the driver checks
 * --device cuda through it; nothing else reaches into CudaDevices or ONNX Runtime's provider.
 */
public final class Devices {
  private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
  private static final AtomicBoolean TOLD_OF_SEVERAL = new AtomicBoolean();

  private Devices() {}

  /**
   * The task's "gpu" address from TaskContext.resources(), if Spark assigned one. A task uses one
   * GPU: given several, it takes the first and says so once per executor (the others sit idle).
   */
  static Optional<String> assigned() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return Optional.empty();
    }
    ResourceInformation info = task.resourcesJMap().get("gpu");
    return first(info == null ? new String[0] : info.addresses(), m -> {
      if (TOLD_OF_SEVERAL.compareAndSet(false, true)) {
        LOG.warn(m);
      }
    });
  }

  /** The first of a task's GPU addresses; several are reported to tell. */
  static Optional<String> first(String[] addresses, java.util.function.Consumer<String> tell) {
    if (addresses.length > 1) {
      tell.accept("this task was given " + addresses.length + " GPUs " + Arrays.toString(addresses)
          + "; p2g runs a task on one GPU, " + addresses[0] + ", and leaves the others idle: set"
          + " spark.task.resource.gpu.amount to 1 or less (deploy/gpu)");
    }
    return addresses.length > 0 ? Optional.of(addresses[0]) : Optional.empty();
  }

  /** Local mode assigns no resources to tasks (Spark schedules GPUs only on clusters). */
  static boolean localMode() {
    SparkEnv env = SparkEnv.get();
    return env != null && SparkMasters.isLocal(env.conf().get("spark.master", "local"));
  }

  /**
   * Why --device cuda cannot work on GPU 0 of this JVM (local mode), empty when it can: the
   * renderer's CUDA, and for a command that encodes, ONNX Runtime's CUDA provider too.
   */
  public static Optional<String> localCudaProblem(boolean encodes) {
    Optional<String> problem = localRenderProblem();
    return problem.isEmpty() && encodes ? localEncodeProblem() : problem;
  }

  /** Why the CUDA renderer cannot start on GPU 0 of this JVM, empty when it can. */
  public static Optional<String> localRenderProblem() {
    return CudaDevices.problem(0);
  }

  /** Why ONNX Runtime cannot encode on GPU 0 of this JVM, empty when it can. */
  public static Optional<String> localEncodeProblem() {
    return OnnxSessions.cudaProblem(0)
        .map(p -> p + " (the default build has the CPU runtime; build with -Pgpu for onnxruntime_gpu)");
  }

  /** True when a problem is only that this machine has no NVIDIA driver: a CPU machine, nothing wrong. */
  public static boolean noDriver(Optional<String> problem) {
    return problem.isPresent() && problem.get().startsWith(CudaDevices.NO_DRIVER);
  }
}
