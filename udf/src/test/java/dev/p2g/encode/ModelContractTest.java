package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.Degradation;
import dev.p2g.io.Device;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Models that break the contract are refused with a message that names what is wrong. */
class ModelContractTest {
  private static final Path BAD = Path.of("src/test/resources/models");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "wrong-output-name.onnx, color",
      "wrong-shape.onnx, 'color' must have 3 channels",
      "missing-metadata.onnx, field.k is missing",
      "bad-k.onnx, k = 2",
      "not-onnx.onnx, not a usable ONNX model",
  })
  void refusesWithAClearMessage(String file, String expectedInMessage) {
    String uri = BAD.resolve(file).toAbsolutePath().toUri().toString();
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> OnnxSessions.inspect(uri, Device.CPU, 1, new Configuration()));
    assertTrue(e.getMessage().contains(expectedInMessage),
        "message should name the problem ('" + expectedInMessage + "'): " + e.getMessage());
  }

  @Test
  void missingFileIsRefused() {
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> OnnxSessions.inspect("file:/nonexistent/model.onnx", Device.CPU, 1, new Configuration()));
    assertTrue(e.getMessage().contains("cannot read model"), e.getMessage());
  }

  /** The degradation.* keys are optional as a group; when given they must be whole and undoable. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "bicubic:2:4 | ",
      "bicubic:1.5:3 | ",
      "- | ",
      "lanczos:2:4 | not one this job renders",
      "bicubic:3:2 | need 1 <= min <= max",
      "bicubic:-:4 | degradation.min_scale is missing",
      "-:2:4 | degradation.min_scale is given without degradation.filter",
  })
  void degradationKeys(String keys, String expectedProblem) {
    Map<String, String> meta = new HashMap<>(Map.of("field.version", "1", "field.k", "2", "field.max_offset", "0.35",
        "field.max_sigma", "0.34", "field.receptive_field", "16", "model.name", "m", "model.license", "x"));
    String[] parts = keys.split(":");
    String[] names = {"degradation.filter", "degradation.min_scale", "degradation.max_scale"};
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].equals("-")) {
        meta.put(names[i], parts[i]);
      }
    }
    if (expectedProblem == null) {
      Degradation d = assertDoesNotThrow(() -> ModelContract.readMetadata(meta, "id")).degradation();
      assertEquals(keys.equals("-") ? null : Degradation.parse(keys.replaceFirst(":(.*):", ":$1-")), d);
    } else {
      ModelContractException e = assertThrows(ModelContractException.class,
          () -> ModelContract.readMetadata(meta, "id"));
      assertTrue(e.getMessage().contains(expectedProblem), e.getMessage());
    }
  }

  @Test
  void defaultModelKeepsTheContract() throws Exception {
    ModelInfo info = OnnxSessions.inspect(ModelSource.BUILTIN_DEFAULT, Device.CPU, 1, new Configuration());
    assertEquals(64, info.id().length());
    assertTrue(info.k() >= 1);
    assertTrue(info.maxSigma() > 0);
    assertTrue(!info.name().isEmpty() && !info.license().isEmpty());
    assertEquals(new Degradation(Degradation.BICUBIC, 2, 4), info.degradation(), "trained on bicubic x2 to x4");
  }
}
