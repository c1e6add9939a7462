package dev.p2g.render;

/**
 * The GPU a renderer holds can render nothing more in this process: CUDA reported a sticky error
 * (an illegal address, a failed launch, an uncorrectable ECC error), after which every call on the
 * context fails. Not an image's fault, so it fails the task (Spark runs it again, possibly
 * elsewhere) instead of becoming an error row for every field that follows.
 */
public final class GpuUnusableException extends RuntimeException {
  public GpuUnusableException(String device, Throwable cause) {
    super(device + " is unusable after a sticky CUDA error, failing the task: " + cause.getMessage(), cause);
  }
}
