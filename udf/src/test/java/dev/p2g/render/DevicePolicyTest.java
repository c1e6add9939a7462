package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.render.DevicePolicy.Choice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class DevicePolicyTest {
  private static final IntFunction<Optional<String>> WORKS = gpu -> Optional.empty();
  private static final IntFunction<Optional<String>> BROKEN = gpu -> Optional.of("no NVIDIA driver here");

  @Test
  void cpuNeverAsksCuda() {
    List<Integer> asked = new ArrayList<>();
    Choice c = DevicePolicy.choose(DevicePolicy.CPU, Optional.of("3"), true, gpu -> {
      asked.add(gpu);
      return Optional.empty();
    });
    assertEquals(Optional.empty(), c.gpu());
    assertEquals(Optional.empty(), c.warning());
    assertTrue(asked.isEmpty(), "cpu probed CUDA on " + asked);
  }

  @Test
  void autoTakesTheTasksGpu() {
    List<Integer> asked = new ArrayList<>();
    Choice c = DevicePolicy.choose(DevicePolicy.AUTO, Optional.of("3"), false, gpu -> {
      asked.add(gpu);
      return Optional.empty();
    });
    assertEquals(Optional.of(3), c.gpu());
    assertEquals(List.of(3), asked, "the assigned address is the device probed");
  }

  @Test
  void autoInLocalModeTriesGpuZero() {
    assertEquals(Optional.of(0), DevicePolicy.choose(DevicePolicy.AUTO, Optional.empty(), true, WORKS).gpu());
  }

  @Test
  void autoOnAClusterWithoutAGpuRendersOnTheCpuAndSaysWhy() {
    Choice c = DevicePolicy.choose(DevicePolicy.AUTO, Optional.empty(), false, WORKS);
    assertEquals(Optional.empty(), c.gpu());
    assertTrue(c.warning().orElseThrow().contains("no GPU is assigned"), c.toString());
  }

  @Test
  void autoFallsBackWhenCudaCannotStart() {
    Choice c = DevicePolicy.choose(DevicePolicy.AUTO, Optional.of("1"), false, BROKEN);
    assertEquals(Optional.empty(), c.gpu());
    assertTrue(c.warning().orElseThrow().contains("CUDA cannot start on GPU 1: no NVIDIA driver here"), c.toString());
  }

  @Test
  void cudaRefusesWithTheReason() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DevicePolicy.choose(DevicePolicy.CUDA, Optional.of("0"), false, BROKEN));
    assertTrue(e.getMessage().startsWith("--device cuda: CUDA cannot start on GPU 0: no NVIDIA driver here"),
        e.getMessage());
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> DevicePolicy.choose(DevicePolicy.CUDA, Optional.empty(), false, WORKS));
    assertTrue(none.getMessage().contains("no GPU is assigned"), none.getMessage());
  }

  @Test
  void cudaWithAWorkingGpuUsesIt() {
    assertEquals(Optional.of(2), DevicePolicy.choose(DevicePolicy.CUDA, Optional.of(" 2 "), false, WORKS).gpu());
  }

  @Test
  void aGpuAddressThatIsNotAnOrdinalIsNotGuessed() {
    Choice c = DevicePolicy.choose(DevicePolicy.AUTO, Optional.of("GPU-5f3c"), false, WORKS);
    assertEquals(Optional.empty(), c.gpu());
    assertTrue(c.warning().orElseThrow().contains("not a device ordinal"), c.toString());
    assertThrows(IllegalStateException.class, () -> DevicePolicy.choose(DevicePolicy.CUDA, Optional.of("GPU-5f3c"), false, WORKS));
  }

  @Test
  void unknownPolicyIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> DevicePolicy.parse("tpu"));
  }
}
