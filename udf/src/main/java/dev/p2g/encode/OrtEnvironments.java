package dev.p2g.encode;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process's ONNX Runtime environment, created on a thread with a stack sized for this process.
 *
 * <p>ONNX Runtime 1.29's native initialisation recurses once per byte of the process command line
 * (about 250 bytes of stack each, measured): a JVM started with more than about 4 KB of arguments
 * (a long {@code -cp}, Spark's {@code --add-opens} list and {@code -D} options) overflows a 1 MB
 * thread stack and dies with SIGSEGV, without an hs_err file. Only the first call recurses, so it
 * runs once, here, on a thread whose stack has room for the whole command line.
 */
public final class OrtEnvironments {
  private static final long BASE_STACK = 16L << 20;
  private static final long STACK_PER_ARGUMENT_BYTE = 1024;
  private static volatile OrtEnvironment environment;

  private OrtEnvironments() {}

  /** The shared environment, initialised on first use. */
  public static OrtEnvironment get() {
    OrtEnvironment env = environment;
    if (env != null) {
      return env;
    }
    synchronized (OrtEnvironments.class) {
      if (environment == null) {
        environment = createOnLargeStack();
      }
      return environment;
    }
  }

  private static OrtEnvironment createOnLargeStack() {
    AtomicReference<OrtEnvironment> created = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread init = new Thread(null, () -> {
      try {
        created.set(OrtEnvironment.getEnvironment());
      } catch (Throwable t) { // handed to the caller's thread below
        failure.set(t);
      }
    }, "p2g-onnx-init", stackBytes());
    init.start();
    try {
      init.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ONNX Runtime was loading", e);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("ONNX Runtime failed to load: " + failure.get(), failure.get());
    }
    return created.get();
  }

  /** Stack for the init thread: the measured cost per command-line byte, with a factor 4 margin. */
  static long stackBytes() {
    long argumentBytes;
    try {
      argumentBytes = Files.readAllBytes(Path.of("/proc/self/cmdline")).length; // procfs sizes read 0
    } catch (IOException | SecurityException e) {
      argumentBytes = 128 * 1024; // not Linux, or hidden: Linux's per-argument limit bounds it
    }
    return BASE_STACK + argumentBytes * STACK_PER_ARGUMENT_BYTE;
  }
}
