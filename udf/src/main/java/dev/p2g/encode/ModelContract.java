package dev.p2g.encode;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.p2g.field.Degradation;
import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a loaded model against the model contract of DESIGN.md: one float32 [N,3,H,W] input,
 * outputs offset/cholesky/color on the k-times anchor grid, and the field.* / model.* metadata.
 * Shapes are dynamic, so besides the declared ones it runs one probe of an odd, non-square size.
 */
final class ModelContract {
  static final String OFFSET = "offset";
  static final String CHOLESKY = "cholesky";
  static final String COLOR = "color";
  /** Output name to channel count, in FieldContract plane order. */
  static final Map<String, Integer> OUTPUTS = outputs();

  /** Odd and non-square, so a model that only handles even or square inputs is caught here. */
  private static final int PROBE_WIDTH = 13;
  private static final int PROBE_HEIGHT = 9;

  private ModelContract() {}

  private static Map<String, Integer> outputs() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put(OFFSET, 2);
    m.put(CHOLESKY, 3);
    m.put(COLOR, 3);
    return m;
  }

  static ModelInfo validate(OrtSession session, String id, Device device) throws ModelContractException {
    try {
      String input = checkInput(session);
      checkOutputs(session);
      ModelInfo info = readMetadata(session.getMetadata().getCustomMetadata(), id);
      probe(new ModelSession(session, input, info, device));
      return info;
    } catch (OrtException e) {
      throw new ModelContractException("model " + shortId(id) + " could not be inspected: " + e.getMessage(), e);
    }
  }

  private static String checkInput(OrtSession session) throws OrtException, ModelContractException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    if (inputs.size() != 1) {
      throw new ModelContractException("the model must have exactly one input (float32 [N,3,H,W]), it has "
          + inputs.size() + ": " + inputs.keySet());
    }
    Map.Entry<String, NodeInfo> in = inputs.entrySet().iterator().next();
    checkTensor("input '" + in.getKey() + "'", in.getValue(), 3);
    return in.getKey();
  }

  private static void checkOutputs(OrtSession session) throws OrtException, ModelContractException {
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    List<String> missing = new ArrayList<>();
    for (String name : OUTPUTS.keySet()) {
      if (!outputs.containsKey(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new ModelContractException("the model lacks the output(s) " + missing + "; the contract wants "
          + OUTPUTS.keySet() + " and the model has " + outputs.keySet());
    }
    for (Map.Entry<String, Integer> e : OUTPUTS.entrySet()) {
      checkTensor("output '" + e.getKey() + "'", outputs.get(e.getKey()), e.getValue());
    }
  }

  /** float32, rank 4, and the channel dimension, where the model declares it, as the contract says. */
  private static void checkTensor(String what, NodeInfo node, int channels) throws ModelContractException {
    if (!(node.getInfo() instanceof TensorInfo tensor)) {
      throw new ModelContractException(what + " must be a tensor, it is " + node.getInfo());
    }
    if (tensor.type != OnnxJavaType.FLOAT) {
      throw new ModelContractException(what + " must be float32, it is " + tensor.type);
    }
    long[] shape = tensor.getShape();
    if (shape.length != 4) {
      throw new ModelContractException(what + " must have rank 4 [N," + channels + ",H,W], it has shape "
          + Arrays.toString(shape));
    }
    if (shape[1] >= 0 && shape[1] != channels) {
      throw new ModelContractException(what + " must have " + channels + " channels, it declares shape "
          + Arrays.toString(shape));
    }
  }

  static ModelInfo readMetadata(Map<String, String> meta, String id) throws ModelContractException {
    List<String> problems = new ArrayList<>();
    String version = meta.get("field.version");
    if (version == null) {
      problems.add("field.version is missing");
    } else if (!version.trim().equals(Integer.toString(FieldContract.VERSION))) {
      problems.add("field.version is " + version + ", this job reads version " + FieldContract.VERSION);
    }
    int k = intKey(meta, "field.k", 1, problems);
    double maxOffset = doubleKey(meta, "field.max_offset", 0, false, problems);
    double maxSigma = doubleKey(meta, "field.max_sigma", 0, true, problems);
    int receptiveField = intKey(meta, "field.receptive_field", 0, problems);
    String name = textKey(meta, "model.name", problems);
    String license = textKey(meta, "model.license", problems);
    Degradation degradation = degradation(meta, problems);
    if (!problems.isEmpty()) {
      throw new ModelContractException("the model's metadata breaks the contract: " + String.join("; ", problems)
          + " (metadata present: " + meta.keySet() + ")");
    }
    return new ModelInfo(id, name, license, k, maxOffset, maxSigma, receptiveField, degradation);
  }

  /** The optional degradation.* keys: none at all, or all three and a filter the renderers undo. */
  private static Degradation degradation(Map<String, String> meta, List<String> problems) {
    String filter = meta.get("degradation.filter");
    if (filter == null) {
      for (String key : List.of("degradation.min_scale", "degradation.max_scale")) {
        if (meta.containsKey(key)) {
          problems.add(key + " is given without degradation.filter");
        }
      }
      return null;
    }
    double min = doubleKey(meta, "degradation.min_scale", 1, false, problems);
    double max = doubleKey(meta, "degradation.max_scale", 1, false, problems);
    try {
      return new Degradation(filter.trim(), min, max);
    } catch (IllegalArgumentException e) {
      if (Double.isFinite(min) && Double.isFinite(max)) {
        problems.add(e.getMessage());
      }
      return null;
    }
  }

  private static void probe(ModelSession session) throws ModelContractException {
    FloatImage ramp = FloatImage.blank(PROBE_WIDTH, PROBE_HEIGHT);
    float[] d = ramp.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (i % 251) / 250f;
    }
    GaussianField field;
    try {
      field = session.encode(ramp);
    } catch (ModelOutputException e) {
      throw new ModelContractException("the model breaks the contract on a " + PROBE_WIDTH + "x"
          + PROBE_HEIGHT + " probe image: " + e.getMessage(), e);
    }
    for (float v : field.params()) {
      if (!Float.isFinite(v)) {
        throw new ModelContractException("the model gives non-finite values on a " + PROBE_WIDTH + "x"
            + PROBE_HEIGHT + " probe image");
      }
    }
  }

  private static int intKey(Map<String, String> meta, String key, int min, List<String> problems) {
    String v = meta.get(key);
    if (v == null) {
      problems.add(key + " is missing");
      return -1;
    }
    try {
      int i = Integer.parseInt(v.trim());
      if (i < min) {
        problems.add(key + " is " + i + ", must be >= " + min);
      }
      return i;
    } catch (NumberFormatException e) {
      problems.add(key + " is '" + v + "', not an integer");
      return -1;
    }
  }

  private static double doubleKey(Map<String, String> meta, String key, double min, boolean strict,
      List<String> problems) {
    String v = meta.get(key);
    if (v == null) {
      problems.add(key + " is missing");
      return Double.NaN;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!Double.isFinite(d) || d < min || (strict && d == min)) {
        problems.add(key + " is " + v + ", must be " + (strict ? "> " : ">= ") + min);
      }
      return d;
    } catch (NumberFormatException e) {
      problems.add(key + " is '" + v + "', not a number");
      return Double.NaN;
    }
  }

  private static String textKey(Map<String, String> meta, String key, List<String> problems) {
    String v = meta.get(key);
    if (v == null || v.isBlank()) {
      problems.add(key + " is missing");
      return "";
    }
    return v.trim();
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
