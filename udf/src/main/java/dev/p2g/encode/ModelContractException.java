package dev.p2g.encode;

/** The model breaks the model contract of DESIGN.md; the message names what is wrong. */
public final class ModelContractException extends Exception {
  public ModelContractException(String message) {
    super(message);
  }

  public ModelContractException(String message, Throwable cause) {
    super(message, cause);
  }
}
