package dev.p2g.pyramid;

/** An output this stage will not make, by a documented limit: that image's error, not the task's. */
public final class OutputTooLarge extends RuntimeException {
  public OutputTooLarge(String message) {
    super(message);
  }
}
