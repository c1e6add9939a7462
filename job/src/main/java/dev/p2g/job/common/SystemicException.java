package dev.p2g.job.common;

/** The job cannot go on (unusable model, unwritable output, missing input): exit code 1. */
public final class SystemicException extends Exception {
  public SystemicException(String message) {
    super(message);
  }

  public SystemicException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The innermost cause names what really went wrong (a model that cannot load, a lost store). */
  public static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return root == t ? m : m + " (" + root.getClass().getSimpleName() + ")";
  }
}
