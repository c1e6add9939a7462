package dev.p2g.encode;

import java.io.Serializable;

/**
 * What a task needs to find or open its executor's session: where the model lives, the id the
 * driver validated (SHA-256 of the file, re-checked on load so a file replaced mid-job is
 * refused), the device and ONNX Runtime's intra-op thread count.
 */
public record ModelRef(String uri, String id, String device, int intraOpThreads) implements Serializable {
  public static final String CPU = "cpu";
  /** GPU devices are "cuda:N", N the CUDA ordinal. */
  public static final String CUDA_PREFIX = "cuda:";

  public static String cuda(int ordinal) {
    return CUDA_PREFIX + ordinal;
  }

  static int cudaOrdinal(String device) {
    return Integer.parseInt(device.substring(CUDA_PREFIX.length()));
  }

  /** The same model and threads on another device. */
  public ModelRef on(String otherDevice) {
    return new ModelRef(uri, id, otherDevice, intraOpThreads);
  }

  /** Sessions are shared per (model id, device): the same model at another URI is the same session. */
  String sessionKey() {
    return id + "@" + device;
  }
}
