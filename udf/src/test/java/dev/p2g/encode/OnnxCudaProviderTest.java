package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.io.Device;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OnnxCudaProviderTest {
  @Test
  void theCpuBuildSaysWhyItHasNoCudaInOneLine() throws Exception {
    Optional<String> problem = OnnxSessions.cudaProblem(0);
    assertEquals(problem, OnnxSessions.cudaProblem(0), "remembered");
    if (!OnnxSessions.class.getClassLoader().getResources("ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so")
        .hasMoreElements()) {
      // The default build (onnxruntime, CPU): the provider cannot exist.
      assertTrue(problem.isPresent(), "the CPU runtime claims a CUDA provider");
    }
    problem.ifPresent(p -> {
      assertTrue(p.startsWith("ONNX Runtime's CUDA provider cannot start: "), p);
      assertFalse(p.contains("\n"), p);
    });
  }

  @Test
  void aGpuSessionIsKeyedApartFromTheCpuOne() {
    ModelRef cpu = new ModelRef("builtin:default", "abc", Device.CPU, 1);
    ModelRef gpu = cpu.on(Device.cuda(1));
    assertEquals("cuda:1", gpu.device().toString());
    assertEquals(1, gpu.device().ordinal());
    assertFalse(cpu.sessionKey().equals(gpu.sessionKey()));
    assertEquals(cpu.uri(), gpu.uri());
  }
}
