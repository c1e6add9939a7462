package dev.p2g.encode;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded model that turns an image into its Gaussian field. Safe to share between task
 * threads: OrtSession.run is thread-safe and this class keeps no per-call state.
 */
public final class ModelSession implements AutoCloseable {
  private final OrtSession session;
  private final String inputName;
  private final ModelInfo info;

  ModelSession(OrtSession session, String inputName, ModelInfo info) {
    this.session = session;
    this.inputName = inputName;
    this.info = info;
  }

  public ModelInfo info() {
    return info;
  }

  /** One forward pass: the image (model input of DESIGN.md) to its field, k from the metadata. */
  public GaussianField encode(FloatImage image) throws ModelOutputException {
    int w = image.width();
    int h = image.height();
    int k = info.k();
    GaussianField field;
    try {
      field = GaussianField.zeros(w, h, k);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ModelOutputException("a " + w + "x" + h + " field with k=" + k + " is too large", e);
    }
    long[] inShape = {1, 3, h, w};
    OrtEnvironment env = OrtEnvironments.get();
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(image.data()), inShape);
        OrtSession.Result result = session.run(Map.of(inputName, input))) {
      int plane = 0;
      for (Map.Entry<String, Integer> out : ModelContract.OUTPUTS.entrySet()) {
        copyPlanes(result, out.getKey(), out.getValue(), field, plane, w, h);
        plane += out.getValue();
      }
    } catch (OrtException e) {
      throw new ModelOutputException("the model failed on a " + w + "x" + h + " image: " + e.getMessage(), e);
    }
    return field;
  }

  private static void copyPlanes(OrtSession.Result result, String name, int channels, GaussianField field,
      int firstPlane, int w, int h) throws OrtException, ModelOutputException {
    Optional<OnnxValue> value = result.get(name);
    if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
      throw new ModelOutputException("output '" + name + "' is missing or not a tensor");
    }
    long[] shape = tensor.getInfo().getShape();
    int k = field.k();
    long[] want = {1, channels, (long) k * h, (long) k * w};
    if (!Arrays.equals(shape, want)) {
      throw new ModelOutputException("output '" + name + "' has shape " + Arrays.toString(shape) + " for a "
          + w + "x" + h + " input; the contract wants " + Arrays.toString(want) + " (k = " + k + ")");
    }
    FloatBuffer data = tensor.getFloatBuffer();
    data.get(field.params(), firstPlane * field.count(), channels * field.count());
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
