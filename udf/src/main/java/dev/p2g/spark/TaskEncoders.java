package dev.p2g.spark;

import dev.p2g.encode.ModelLoadException;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.render.DevicePolicy;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX session of one encode task under the --device policy: on the task's GPU (GPU 0 in
 * local mode) when ONNX Runtime's CUDA provider starts there, else on the CPU with one warning
 * per executor JVM. Sessions stay one per (model, device) per executor (OnnxSessions).
 */
public final class TaskEncoders {
  private static final Logger LOG = LoggerFactory.getLogger(TaskEncoders.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private TaskEncoders() {}

  public static ModelSession session(ModelRef cpuRef, DevicePolicy policy, Configuration hadoop) throws ModelLoadException {
    Optional<String> gpu = Devices.assigned();
    DevicePolicy.Choice choice = DevicePolicy.choose(policy, gpu, Devices.localMode(), OnnxSessions::cudaProblem);
    if (choice.gpu().isPresent()) {
      return OnnxSessions.get(cpuRef.on(ModelRef.cuda(choice.gpu().get())), hadoop);
    }
    choice.warning().ifPresent(w -> {
      // As for rendering: a guessed GPU 0 in local mode that fails is the usual CPU machine.
      if (WARNED.compareAndSet(false, true)) {
        if (gpu.isEmpty()) {
          LOG.info("--device {}: encoding on the CPU: {}", policy, w);
        } else {
          LOG.warn("--device {}: encoding on the CPU: {}", policy, w);
        }
      }
    });
    return OnnxSessions.get(cpuRef, hadoop);
  }
}
