package dev.p2g.encode;

import java.util.Objects;

/** An image that cannot be turned into model input, with a stable class for the errors/ table. */
public class ImageDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    EMPTY("empty"),
    UNRECOGNISED("unrecognised"),
    CORRUPT("corrupt"),
    TOO_LARGE("too-large"),
    ALPHA_REJECTED("alpha-rejected");

    private final String slug;

    Reason(String slug) {
      this.slug = slug;
    }

    /** Stable across releases: error rows are grouped and counted by it. */
    public String errorClass() {
      return "decode." + slug;
    }
  }

  private final Reason reason;

  public ImageDecodeException(Reason reason, String message) {
    this(reason, message, null);
  }

  public ImageDecodeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  public String errorClass() {
    return reason.errorClass();
  }
}
