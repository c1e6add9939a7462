package dev.p2g.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.p2g.encode.ModelLoadException;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.DeviceUnavailableException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which device an encode task's session ends up on when the GPU's session fails to open. */
class TaskEncodersTest {
  private final List<String> told = new ArrayList<>();

  private String open(DevicePolicy policy, DeviceFallback.GpuOpener<String, ModelLoadException> gpu)
      throws ModelLoadException {
    return TaskEncoders.open(policy, DevicePolicy.Choice.cuda(1), gpu, () -> "cpu",
        (ordinal, why) -> told.add("gpu " + ordinal + ": " + why), false);
  }

  private static ModelLoadException providerFailure() {
    return new ModelLoadException("model m is not a usable ONNX model: libcudnn_adv.so.9 missing",
        new OrtException("libcudnn_adv.so.9 missing"));
  }

  @Test
  void autoFallsBackToTheCpuWhenTheCudaSessionFailsAndSaysSo() throws Exception {
    assertEquals("cpu", open(DevicePolicy.AUTO, ordinal -> {
      throw providerFailure();
    }));
    assertEquals(1, told.size());
    assertTrue(told.get(0).startsWith("gpu 1: ") && told.get(0).contains("libcudnn_adv"), told.toString());
  }

  @Test
  void cudaFailsTheTaskWithTheReason() {
    DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
        () -> open(DevicePolicy.CUDA, ordinal -> {
          throw providerFailure();
        }));
    assertTrue(e.getMessage().contains("--device cuda: the ONNX session cannot start on GPU 1"), e.getMessage());
  }

  @Test
  void aModelThatBreaksTheContractIsNotBlamedOnTheGpu() {
    ModelLoadException contract = new ModelLoadException("breaks the model contract: no output 'color'",
        new IllegalArgumentException("no output"));
    assertSame(contract, assertThrows(ModelLoadException.class, () -> open(DevicePolicy.AUTO, ordinal -> {
      throw contract;
    })));
    assertTrue(told.isEmpty(), "the GPU is not marked: " + told);
  }

  @Test
  void aWorkingGpuIsUsed() throws Exception {
    assertEquals("gpu1", open(DevicePolicy.AUTO, ordinal -> "gpu" + ordinal));
    assertTrue(told.isEmpty());
  }
}
