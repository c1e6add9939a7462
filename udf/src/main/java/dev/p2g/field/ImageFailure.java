package dev.p2g.field;

/**
 * One image failed in one stage: recorded as an errors/ row, never fatal to the job. The error
 * class is a stable, grep-able name ("decode.corrupt", "read.io", "model.output").
 */
public final class ImageFailure extends Exception {
  private final String errorClass;

  public ImageFailure(String errorClass, String message, Throwable cause) {
    super(message, cause);
    this.errorClass = errorClass;
  }

  public ImageFailure(String errorClass, String message) {
    this(errorClass, message, null);
  }

  public String errorClass() {
    return errorClass;
  }
}
