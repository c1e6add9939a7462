package dev.p2g.encode;

/** The model cannot be used at all: a systemic failure that stops the job (exit code 1). */
public final class ModelLoadException extends Exception {
  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
