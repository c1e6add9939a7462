package dev.p2g.devices;

import dev.p2g.encode.ModelLoadException;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.DeviceUnavailableException;
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
    return open(policy, choice, ordinal -> OnnxSessions.get(cpuRef.on(ModelRef.cuda(ordinal)), hadoop),
        () -> OnnxSessions.get(cpuRef, hadoop), (ordinal, why) -> {
          OnnxSessions.markCudaUnusable(ordinal, why);
          warnOnce(policy, gpu.isEmpty(), "CUDA cannot start on GPU " + ordinal + ": " + why);
        }, why -> warnOnce(policy, gpu.isEmpty(), why));
  }

  /** Opens a session on a device; throws what the model or the device did. */
  interface Opener<S> {
    S open() throws ModelLoadException;
  }

  interface GpuOpener<S> {
    S open(int ordinal) throws ModelLoadException;
  }

  /**
   * The session the choice asks for. Under auto, a CUDA session that fails to open although the
   * provider started (a missing cuDNN piece, a bad ordinal) is told once and the CPU used, and
   * the GPU is marked so no later task of the executor tries it again; under cuda it is the
   * task's failure. A model that cannot be read or breaks the contract is not the device's fault:
   * that error stops the job under either policy.
   */
  static <S> S open(DevicePolicy policy, DevicePolicy.Choice choice, GpuOpener<S> onGpu, Opener<S> onCpu,
      java.util.function.BiConsumer<Integer, String> gpuFailed, java.util.function.Consumer<String> cpuBecause)
      throws ModelLoadException {
    if (choice.gpu().isPresent()) {
      int ordinal = choice.gpu().get();
      try {
        return onGpu.open(ordinal);
      } catch (ModelLoadException | RuntimeException e) {
        if (e instanceof ModelLoadException && !(e.getCause() instanceof ai.onnxruntime.OrtException)) {
          throw (ModelLoadException) e; // the model's file or contract: no device would do better
        }
        if (policy == DevicePolicy.CUDA) {
          throw new DeviceUnavailableException("--device cuda: the ONNX session cannot start on GPU " + ordinal
              + ": " + e.getMessage(), e);
        }
        gpuFailed.accept(ordinal, String.valueOf(e.getMessage()));
        return onCpu.open();
      }
    }
    choice.warning().ifPresent(cpuBecause);
    return onCpu.open();
  }

  /**
   * As for rendering: a guessed GPU 0 in local mode that fails is the usual CPU machine, which
   * the driver has told in one p2g: line already (Driver); only a debug line here.
   */
  private static void warnOnce(DevicePolicy policy, boolean guessed, String why) {
    if (WARNED.compareAndSet(false, true)) {
      if (guessed) {
        LOG.debug("--device {}: encoding on the CPU: {}", policy, why);
      } else {
        LOG.warn("--device {}: encoding on the CPU: {}", policy, why);
      }
    }
  }
}
