package dev.p2g.encode;

/** One run of the model gave outputs that do not fit the contract (an image-level failure). */
public final class ModelOutputException extends Exception {
  public ModelOutputException(String message) {
    super(message);
  }

  public ModelOutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
