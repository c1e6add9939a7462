package dev.p2g.render.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CudaDevicesTest {
  @Test
  void aMissingDriverIsOneLine() {
    String jcuda = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
        + "Operating system name: Linux\n---(start of nested stack traces)---\n"
        + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file\n";
    assertEquals("no NVIDIA driver here (libcuda.so.1 cannot be loaded)", CudaDevices.linkProblem(jcuda));
    assertEquals("JCuda's native library cannot be loaded: first line",
        CudaDevices.linkProblem("first line\nsecond line"));
  }

  @Test
  void theProblemIsStableAndReadable() {
    // Whatever this machine has: the answer does not change between calls, and a problem is
    // one line (it goes into a log warning or the --device cuda refusal).
    Optional<String> first = CudaDevices.problem(0);
    assertEquals(first, CudaDevices.problem(0));
    first.ifPresent(p -> assertFalse(p.contains("\n"), p));
    assertTrue(CudaDevices.problem(-1).isPresent(), "GPU -1 cannot work");
  }
}
