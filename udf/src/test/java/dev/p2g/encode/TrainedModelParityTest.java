package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FloatImage;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.Scale;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The default model as the job runs it (ONNX Runtime Java, then the Java CPU renderer) against
 * the PyTorch model it was exported from (p2g_torch.py's renderer), on the committed input.
 * model/export_onnx.py writes the model and this fixture together.
 */
class TrainedModelParityTest {
  private static final double MAX_ABS_DIFF = 1e-3;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"x2.5, 2.5", "x3.7x2, 3.7x2", "x4, 4"})
  void onnxRuntimeAndJavaRendererMatchPyTorch(String name, String scale) throws Exception {
    ModelSession session = AnalyticModelReproductionTest.session(ModelSource.BUILTIN_DEFAULT);
    FloatImage input = new ImageDecoder(1_000_000, AlphaPolicy.REJECT).decode(resource("input.png"), "input.png").rgb();
    FloatImage got = new CpuRenderer().render(session.encode(input), Scale.parse(scale));
    float[][] want = new float[1][];
    int[] size = readF32(resource("expected-" + name + ".f32"), want);

    assertEquals(size[0], got.width(), "width");
    assertEquals(size[1], got.height(), "height");
    double maxDiff = 0;
    int plane = got.width() * got.height();
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < got.height(); v++) {
        for (int u = 0; u < got.width(); u++) {
          maxDiff = Math.max(maxDiff, Math.abs(got.get(c, u, v) - want[0][c * plane + v * got.width() + u]));
        }
      }
    }
    System.out.printf("parity %s (%s): %dx%d, max |java - pytorch| %.2e%n",
        name, session.info().name(), got.width(), got.height(), maxDiff);
    assertTrue(maxDiff <= MAX_ABS_DIFF, "max |java - pytorch| = " + maxDiff);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TrainedModelParityTest.class.getResourceAsStream("/parity/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource parity/" + name + " (model/export_onnx.py writes it)");
      }
      return in.readAllBytes();
    }
  }

  /** model/export_onnx.py's format: int32 width, int32 height, then float32 R, G, B planes. */
  private static int[] readF32(byte[] bytes, float[][] into) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int w = b.getInt();
    int h = b.getInt();
    float[] data = new float[3 * w * h];
    b.asFloatBuffer().get(data);
    into[0] = data;
    return new int[] {w, h};
  }
}
