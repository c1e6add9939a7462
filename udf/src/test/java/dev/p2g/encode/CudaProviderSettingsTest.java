package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CUDA provider gets heuristic cuDNN search and FP32, whatever ONNX Runtime's defaults are.
 * (The CPU build cannot create CUDA provider options at all, so the names are checked as given.)
 */
class CudaProviderSettingsTest {
  @Test
  void sessionsAskForHeuristicSearchAndNoTf32() {
    assertEquals(Map.of("cudnn_conv_algo_search", "HEURISTIC", "use_tf32", "0"), CudaProviderSettings.of());
  }
}
