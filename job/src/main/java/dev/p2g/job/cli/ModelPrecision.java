package dev.p2g.job.cli;

import dev.p2g.encode.ModelSource;
import dev.p2g.io.CliNames;

/**
 * Which built-in model encodes (--model-precision): the float model, or its int8 variant
 * (model/quantize_int8.py: 1.3-1.7 times the float model's speed on a CPU, within 0.04 dB of it
 * on validation photos, but 33 dB from it on the synthetic test card: docs/benchmarks.md), or
 * auto. Auto is the float model until an int8 model meets its bars (twice the speed, no such loss
 * on graphics: issue 32), when it is to take the int8 one where encoding runs on CPUs.
 */
public enum ModelPrecision {
  AUTO,
  FP32,
  INT8;

  String cliName() {
    return CliNames.of(this);
  }

  public static ModelPrecision parse(String name) {
    return CliNames.parse(ModelPrecision.class, "--model-precision", name);
  }

  /**
   * The model URI to encode with: model itself unless it is the built-in default; then its int8
   * variant for INT8.
   */
  public String model(String model) {
    return this == INT8 && ModelSource.BUILTIN_DEFAULT.equals(model) ? ModelSource.BUILTIN_INT8 : model;
  }
}
