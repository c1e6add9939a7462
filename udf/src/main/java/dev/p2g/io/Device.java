package dev.p2g.io;

import java.io.Serializable;

/**
 * Where a model or renderer runs: the CPU, or a CUDA GPU by its ordinal. Its name ("cpu",
 * "cuda:N") is what the tables and the report store; inside the job a device is this type.
 */
public record Device(Integer cudaOrdinal) implements Serializable {
  public static final Device CPU = new Device(null);
  private static final String CUDA_PREFIX = "cuda:";

  public static Device cuda(int ordinal) {
    if (ordinal < 0) {
      throw new IllegalArgumentException("a CUDA ordinal is 0 or more, got " + ordinal);
    }
    return new Device(ordinal);
  }

  /** The device a stored name ("cpu", "cuda:N") names; null stays null (rows written before devices were). */
  public static Device parse(String name) {
    if (name == null) {
      return null;
    }
    if (name.equals("cpu")) {
      return CPU;
    }
    if (name.startsWith(CUDA_PREFIX)) {
      try {
        return cuda(Integer.parseInt(name.substring(CUDA_PREFIX.length())));
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException("unknown device '" + name + "'; expected cpu or cuda:N");
  }

  public boolean isCpu() {
    return cudaOrdinal == null;
  }

  /** The CUDA ordinal of a GPU. */
  public int ordinal() {
    if (cudaOrdinal == null) {
      throw new IllegalStateException("the CPU has no CUDA ordinal");
    }
    return cudaOrdinal;
  }

  @Override
  public String toString() {
    return isCpu() ? "cpu" : CUDA_PREFIX + cudaOrdinal;
  }
}
