package dev.p2g.job;

/** The job cannot go on (unusable model, unwritable output, missing input): exit code 1. */
public final class SystemicException extends Exception {
  public SystemicException(String message) {
    super(message);
  }

  public SystemicException(String message, Throwable cause) {
    super(message, cause);
  }
}
