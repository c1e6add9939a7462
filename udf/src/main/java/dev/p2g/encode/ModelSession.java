package dev.p2g.encode;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
  private final Device device;
  private final java.util.concurrent.atomic.LongAdder runs = new java.util.concurrent.atomic.LongAdder();

  ModelSession(OrtSession session, String inputName, ModelInfo info, Device device) {
    this.session = session;
    this.inputName = inputName;
    this.info = info;
    this.device = device;
  }

  public ModelInfo info() {
    return info;
  }

  /** Forward passes so far, in this JVM: what batching saves. */
  public long runs() {
    return runs.sum();
  }

  /** Where it runs: "cpu" or "cuda:N" (ModelRef). */
  public Device device() {
    return device;
  }

  /** One forward pass: the image (model input of DESIGN.md) to its field, k from the metadata. */
  public GaussianField encode(FloatImage image) throws ModelOutputException {
    return encodeAll(List.of(image)).get(0);
  }

  /**
   * Images of one size in one forward pass (the contract's batch dimension N): fewer, larger
   * runs, which is what a GPU needs to stay busy.
   */
  public List<GaussianField> encodeAll(List<FloatImage> images) throws ModelOutputException {
    int n = images.size();
    if (n == 0) {
      return List.of();
    }
    int w = images.get(0).width();
    int h = images.get(0).height();
    for (FloatImage image : images) {
      if (image.width() != w || image.height() != h) {
        throw new IllegalArgumentException("one run takes images of one size: " + w + "x" + h + " and "
            + image.width() + "x" + image.height());
      }
    }
    int k = info.k();
    List<GaussianField> fields = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        fields.add(GaussianField.zeros(w, h, k).withDegradation(info.degradation()));
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ModelOutputException("a " + w + "x" + h + " field with k=" + k + " is too large", e);
    }
    long[] inShape = {n, 3, h, w};
    OrtEnvironment env = OrtEnvironments.get();
    try (OnnxTensor input = OnnxTensor.createTensor(env, inputBuffer(images), inShape);
        OrtSession.Result result = session.run(Map.of(inputName, input))) {
      runs.increment();
      int plane = 0;
      for (Map.Entry<String, Integer> out : ModelContract.OUTPUTS.entrySet()) {
        copyPlanes(result, out.getKey(), out.getValue(), fields, plane, w, h);
        plane += out.getValue();
      }
    } catch (OrtException e) {
      String what = n == 1 ? "a " + w + "x" + h + " image" : n + " images of " + w + "x" + h;
      throw new ModelOutputException("the model failed on " + what + ": " + e.getMessage(), e);
    }
    return fields;
  }

  /** One image's planes as they are; several copied one after another, as [N, 3, H, W] lays them out. */
  private static FloatBuffer inputBuffer(List<FloatImage> images) {
    if (images.size() == 1) {
      return FloatBuffer.wrap(images.get(0).data());
    }
    int each = images.get(0).data().length;
    float[] all = new float[Math.multiplyExact(each, images.size())];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i).data(), 0, all, i * each, each);
    }
    return FloatBuffer.wrap(all);
  }

  private static void copyPlanes(OrtSession.Result result, String name, int channels, List<GaussianField> fields,
      int firstPlane, int w, int h) throws OrtException, ModelOutputException {
    Optional<OnnxValue> value = result.get(name);
    if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
      throw new ModelOutputException("output '" + name + "' is missing or not a tensor");
    }
    long[] shape = tensor.getInfo().getShape();
    int k = fields.get(0).k();
    long[] want = {fields.size(), channels, (long) k * h, (long) k * w};
    if (!Arrays.equals(shape, want)) {
      throw new ModelOutputException("output '" + name + "' has shape " + Arrays.toString(shape) + " for "
          + fields.size() + " " + w + "x" + h + " input(s); the contract wants " + Arrays.toString(want)
          + " (k = " + k + ")");
    }
    FloatBuffer data = tensor.getFloatBuffer(); // [N, channels, kH, kW]: field after field
    for (GaussianField field : fields) {
      data.get(field.params(), firstPlane * field.count(), channels * field.count());
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
