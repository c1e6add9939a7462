package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.io.Device;
import java.nio.file.Path;
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

  @Test
  void defaultModelKeepsTheContract() throws Exception {
    ModelInfo info = OnnxSessions.inspect(ModelSource.BUILTIN_DEFAULT, Device.CPU, 1, new Configuration());
    assertEquals(64, info.id().length());
    assertTrue(info.k() >= 1);
    assertTrue(info.maxSigma() > 0);
    assertTrue(!info.name().isEmpty() && !info.license().isEmpty());
  }
}
