package dev.p2g.encode;

import dev.p2g.io.Device;
import java.io.Serializable;

/**
 * What a task needs to find or open its executor's session: where the model lives, the id the
 * driver validated (SHA-256 of the file, re-checked on load so a file replaced mid-job is
 * refused), the device and ONNX Runtime's intra-op thread count.
 */
public record ModelRef(String uri, String id, Device device, int intraOpThreads) implements Serializable {

  /** The same model and threads on another device. */
  public ModelRef on(Device otherDevice) {
    return new ModelRef(uri, id, otherDevice, intraOpThreads);
  }

  /** Sessions are shared per (model id, device): the same model at another URI is the same session. */
  String sessionKey() {
    return id + "@" + device;
  }
}
