package dev.p2g.devices;

import dev.p2g.render.CpuRenderer;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.DeviceUnavailableException;
import dev.p2g.render.Renderer;
import dev.p2g.render.cuda.CudaDevices;
import dev.p2g.render.cuda.CudaRenderer;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The renderer of one task under the --device policy: the GPU Spark assigned to the task (its
 * first "gpu" address), or GPU 0 in local mode, when CUDA starts there; otherwise the CPU, with
 * one warning per executor JVM. A CUDA renderer is closed when its task completes.
 */
public final class TaskRenderers {
  private static final Logger LOG = LoggerFactory.getLogger(TaskRenderers.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private TaskRenderers() {}

  public static Renderer open(DevicePolicy policy) {
    TaskContext task = TaskContext.get();
    Optional<String> gpu = Devices.assigned();
    boolean local = Devices.localMode();
    DevicePolicy.Choice choice = DevicePolicy.choose(policy, gpu, local, CudaDevices::problem);
    if (choice.gpu().isPresent()) {
      try {
        CudaRenderer cuda = new CudaRenderer(choice.gpu().get());
        if (task != null) {
          task.addTaskCompletionListener((TaskContext t) -> cuda.close());
        }
        return cuda;
      } catch (IOException | RuntimeException e) {
        if (policy == DevicePolicy.CUDA) {
          throw new DeviceUnavailableException("--device cuda: the CUDA renderer cannot start on GPU "
              + choice.gpu().get() + ": " + e.getMessage(), e);
        }
        warnOnce(gpu.isEmpty(), "the CUDA renderer cannot start on GPU " + choice.gpu().get() + ": " + e.getMessage());
        return new CpuRenderer();
      }
    }
    choice.warning().ifPresent(w -> warnOnce(gpu.isEmpty(), w));
    return new CpuRenderer();
  }

  /**
   * Once per executor. Trying GPU 0 in local mode is a guess, so its failure (a machine without
   * a GPU, the usual local case, which the driver tells in one p2g: line) is only logged at
   * debug; a GPU Spark assigned that does not work is a misconfigured cluster, a warning.
   */
  private static void warnOnce(boolean guessed, String message) {
    if (WARNED.compareAndSet(false, true)) {
      if (guessed) {
        LOG.debug("--device auto: rendering on the CPU: {}", message);
      } else {
        LOG.warn("--device auto: rendering on the CPU: {}", message);
      }
    }
  }
}
