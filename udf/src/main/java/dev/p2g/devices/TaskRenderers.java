package dev.p2g.devices;

import dev.p2g.render.CpuRenderer;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.Renderer;
import dev.p2g.render.cuda.CudaDevices;
import dev.p2g.render.cuda.CudaRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.spark.TaskContext;

/**
 * The renderer of one task under the --device policy: the GPU Spark assigned to the task (its
 * first "gpu" address), or GPU 0 in local mode, when CUDA starts there; otherwise the CPU, with
 * one warning per executor JVM. A CUDA renderer is closed when its task completes.
 */
public final class TaskRenderers {
  private static final DeviceFallback FALLBACK =
      new DeviceFallback(TaskRenderers.class, "rendering", "the CUDA renderer");

  private TaskRenderers() {}

  public static Renderer open(DevicePolicy policy) {
    TaskContext task = TaskContext.get();
    Optional<String> gpu = Devices.assigned();
    DevicePolicy.Choice choice = DevicePolicy.choose(policy, gpu, Devices.localMode(), CudaDevices::problem);
    return FALLBACK.<Renderer, RuntimeException>open(policy, choice, gpu.isEmpty(), ordinal -> {
      CudaRenderer cuda;
      try {
        cuda = new CudaRenderer(ordinal);
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
      if (task != null) {
        task.addTaskCompletionListener((TaskContext t) -> cuda.close());
      }
      return cuda;
    }, CpuRenderer::new, e -> true, (ordinal, why) -> FALLBACK.warnOnce(policy, gpu.isEmpty(),
        "the CUDA renderer cannot start on GPU " + ordinal + ": " + why));
  }
}
