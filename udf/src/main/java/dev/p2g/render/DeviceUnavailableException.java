package dev.p2g.render;

/**
 * --device cuda, and the task's GPU cannot be used. Systemic, not an image's fault: it fails the
 * task (and, once Spark's retries are spent, the job) instead of becoming an error row per image.
 */
public final class DeviceUnavailableException extends IllegalStateException {
  public DeviceUnavailableException(String message) {
    super(message);
  }

  public DeviceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
