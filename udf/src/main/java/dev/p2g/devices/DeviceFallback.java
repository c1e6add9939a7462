package dev.p2g.devices;

import dev.p2g.render.DevicePolicy;
import dev.p2g.render.DeviceUnavailableException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a task's encoder or renderer falls back to the CPU under --device: on the GPU the
 * policy chose when it opens there; under cuda a GPU that does not open fails the task; under
 * auto the CPU is used and told once per executor JVM (a warning where Spark assigned the GPU, a
 * debug line for local mode's guess of GPU 0, which the driver's p2g: line has told already).
 * What is not the device's fault (a model that breaks its contract) is thrown as it is.
 */
final class DeviceFallback {
  /** Opens on the CPU; throws what the model or the device did. */
  interface Opener<S, X extends Exception> {
    S open() throws X;
  }

  /** Opens on a GPU. */
  interface GpuOpener<S, X extends Exception> {
    S open(int ordinal) throws X;
  }

  private final Logger log;
  private final AtomicBoolean warned = new AtomicBoolean();
  /** What the stage does, for the messages: "encoding", "rendering". */
  private final String doing;
  /** What opens on a device, for the messages: "the ONNX session", "the CUDA renderer". */
  private final String what;

  DeviceFallback(Class<?> owner, String doing, String what) {
    this.log = LoggerFactory.getLogger(owner);
    this.doing = doing;
    this.what = what;
  }

  /**
   * guessed: no GPU was assigned (local mode's GPU 0); deviceFault: whether an exception from the
   * GPU's opener is the device's (else it is thrown as it is); gpuFailed hears the ordinal and why
   * before the CPU is used.
   */
  @SuppressWarnings("unchecked")
  <S, X extends Exception> S open(DevicePolicy policy, DevicePolicy.Choice choice, boolean guessed,
      GpuOpener<S, X> onGpu, Opener<S, X> onCpu, Predicate<Exception> deviceFault,
      BiConsumer<Integer, String> gpuFailed) throws X {
    if (choice.gpu().isPresent()) {
      int ordinal = choice.gpu().get();
      try {
        return onGpu.open(ordinal);
      } catch (Exception e) {
        if (!deviceFault.test(e)) {
          throw (X) e; // the model's file or contract: no device would do better
        }
        if (policy == DevicePolicy.CUDA) {
          throw new DeviceUnavailableException("--device cuda: " + what + " cannot start on GPU " + ordinal + ": "
              + e.getMessage(), e);
        }
        gpuFailed.accept(ordinal, String.valueOf(e.getMessage()));
        return onCpu.open();
      }
    }
    choice.warning().ifPresent(why -> warnOnce(policy, guessed, why));
    return onCpu.open();
  }

  void warnOnce(DevicePolicy policy, boolean guessed, String why) {
    if (warned.compareAndSet(false, true)) {
      if (guessed) {
        log.debug("--device {}: {} on the CPU: {}", policy, doing, why);
      } else {
        log.warn("--device {}: {} on the CPU: {}", policy, doing, why);
      }
    }
  }
}
