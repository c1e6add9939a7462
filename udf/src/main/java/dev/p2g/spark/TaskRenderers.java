package dev.p2g.spark;

import dev.p2g.render.CpuRenderer;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.Renderer;
import dev.p2g.render.cuda.CudaDevices;
import dev.p2g.render.cuda.CudaRenderer;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
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

  public static Renderer open(String policy) {
    TaskContext task = TaskContext.get();
    Optional<String> gpu = Optional.empty();
    if (task != null) {
      ResourceInformation info = task.resourcesJMap().get("gpu");
      if (info != null && info.addresses().length > 0) {
        gpu = Optional.of(info.addresses()[0]);
      }
    }
    SparkEnv env = SparkEnv.get();
    boolean local = env != null && env.conf().get("spark.master", "local").startsWith("local");
    DevicePolicy.Choice choice = DevicePolicy.choose(policy, gpu, local, CudaDevices::problem);
    if (choice.gpu().isPresent()) {
      try {
        CudaRenderer cuda = new CudaRenderer(choice.gpu().get());
        if (task != null) {
          task.addTaskCompletionListener((TaskContext t) -> cuda.close());
        }
        return cuda;
      } catch (IOException | RuntimeException e) {
        if (policy.equals(DevicePolicy.CUDA)) {
          throw new IllegalStateException("--device cuda: the CUDA renderer cannot start on GPU "
              + choice.gpu().get() + ": " + e.getMessage(), e);
        }
        warnOnce("the CUDA renderer cannot start on GPU " + choice.gpu().get() + ": " + e.getMessage()
            + "; rendering on the CPU");
        return new CpuRenderer();
      }
    }
    choice.warning().ifPresent(TaskRenderers::warnOnce);
    return new CpuRenderer();
  }

  private static void warnOnce(String message) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn("--device auto: {}", message);
    }
  }
}
