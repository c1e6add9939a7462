package dev.p2g.devices;

import dev.p2g.encode.ModelLoadException;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.io.Device;
import dev.p2g.render.DevicePolicy;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.hadoop.conf.Configuration;

/**
 * The ONNX session of one encode task under the --device policy: on the task's GPU (GPU 0 in
 * local mode) when ONNX Runtime's CUDA provider starts there, else on the CPU with one warning
 * per executor JVM. Sessions stay one per (model, device) per executor (OnnxSessions).
 */
public final class TaskEncoders {
  private static final DeviceFallback FALLBACK = new DeviceFallback(TaskEncoders.class, "encoding", "the ONNX session");

  private TaskEncoders() {}

  public static ModelSession session(ModelRef cpuRef, DevicePolicy policy, Configuration hadoop) throws ModelLoadException {
    Optional<String> gpu = Devices.assigned();
    DevicePolicy.Choice choice = DevicePolicy.choose(policy, gpu, Devices.localMode(), OnnxSessions::cudaProblem);
    return open(policy, choice, ordinal -> OnnxSessions.get(cpuRef.on(Device.cuda(ordinal)), hadoop),
        () -> OnnxSessions.get(cpuRef, hadoop), (ordinal, why) -> {
          OnnxSessions.markCudaUnusable(ordinal, why);
          FALLBACK.warnOnce(policy, gpu.isEmpty(), "CUDA cannot start on GPU " + ordinal + ": " + why);
        }, gpu.isEmpty());
  }

  /**
   * The session the choice asks for (DeviceFallback). Under auto, a CUDA session that fails to
   * open although the provider started (a missing cuDNN piece, a bad ordinal) is told once and
   * the CPU used, and the GPU is marked so no later task of the executor tries it again. A model
   * that cannot be read or breaks the contract is not the device's fault: that error stops the
   * job under either policy.
   */
  static <S> S open(DevicePolicy policy, DevicePolicy.Choice choice,
      DeviceFallback.GpuOpener<S, ModelLoadException> onGpu, DeviceFallback.Opener<S, ModelLoadException> onCpu,
      BiConsumer<Integer, String> gpuFailed, boolean guessed) throws ModelLoadException {
    return FALLBACK.open(policy, choice, guessed, onGpu, onCpu,
        e -> !(e instanceof ModelLoadException) || e.getCause() instanceof ai.onnxruntime.OrtException, gpuFailed);
  }
}
