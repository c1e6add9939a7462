package dev.p2g.encode;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an ONNX session uses the CUDA provider. Two of ONNX Runtime's defaults do not suit this job:
 * an exhaustive cuDNN algorithm search runs again for every new input shape (and an image
 * dataset brings many shapes), and TF32 matmuls make GPU fields differ from CPU fields by about
 * 1e-3, where FP32 keeps them alike. A measurement on a GPU may choose TF32 later (issue 20); it
 * is one entry here.
 */
final class CudaProviderSettings {
  private CudaProviderSettings() {}

  /** The provider options, by ONNX Runtime's names. */
  static Map<String, String> of() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("cudnn_conv_algo_search", "HEURISTIC");
    settings.put("use_tf32", "0");
    return settings;
  }

  static OrtCUDAProviderOptions options(int ordinal) throws OrtException {
    OrtCUDAProviderOptions options = new OrtCUDAProviderOptions(ordinal);
    for (Map.Entry<String, String> e : of().entrySet()) {
      options.add(e.getKey(), e.getValue());
    }
    return options;
  }
}
