package dev.p2g.job;

import dev.p2g.encode.ModelSource;
import java.util.function.BooleanSupplier;

/**
 * Which built-in model encodes (--model-precision): the float model, or its int8 variant
 * (model/quantize_int8.py: 1.3-1.7 times the float model's speed on a CPU, within 0.04 dB of it
 * on validation photos, but 33 dB from it on the synthetic test card: docs/benchmarks.md), or
 * auto. Auto takes the int8 model where encoding runs on CPUs only once it meets its bars (twice
 * the speed, and no such loss on graphics); until then auto is the float model (INT8_BY_DEFAULT).
 */
enum ModelPrecision {
  AUTO,
  FP32,
  INT8;

  /** Whether auto takes the int8 model on CPUs: not yet (see above). */
  static final boolean INT8_BY_DEFAULT = false;

  String cliName() {
    return CliNames.of(this);
  }

  static ModelPrecision parse(String name) {
    return CliNames.parse(ModelPrecision.class, "model-precision", name);
  }

  /**
   * The model URI to encode with: model itself unless it is the built-in default; then the int8
   * variant for INT8, and for AUTO when encoding will run on CPUs only.
   */
  String model(String model, BooleanSupplier cpuOnly) {
    if (!ModelSource.BUILTIN_DEFAULT.equals(model)) {
      return model;
    }
    return this == INT8 || (this == AUTO && INT8_BY_DEFAULT && cpuOnly.getAsBoolean()) ? ModelSource.BUILTIN_INT8
        : model;
  }
}
