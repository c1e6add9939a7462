package dev.p2g.encode;

import dev.p2g.io.HadoopFiles;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;

/** Reads model bytes: the default model from inside the jar, any other through the Hadoop FileSystem API. */
public final class ModelSource {
  /** What --model means when it is not given: the default model shipped in the jar. */
  public static final String BUILTIN_DEFAULT = "builtin:default";
  /** The default model's int8 variant (model/quantize_int8.py), for CPUs: --model-precision. */
  public static final String BUILTIN_INT8 = "builtin:default-int8";

  private static final String DEFAULT_RESOURCE = "/dev/p2g/model/default.onnx";
  private static final String INT8_RESOURCE = "/dev/p2g/model/default-int8.onnx";
  /** Far above any sensible model (the contract's default is under 20 MB), far below a heap. */
  private static final long MAX_MODEL_BYTES = 1L << 30;

  private ModelSource() {}

  public static byte[] read(String uri, Configuration conf) throws IOException {
    if (BUILTIN_DEFAULT.equals(uri) || BUILTIN_INT8.equals(uri)) {
      String resource = BUILTIN_DEFAULT.equals(uri) ? DEFAULT_RESOURCE : INT8_RESOURCE;
      try (InputStream in = ModelSource.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("the built-in model " + resource + " is not on the class path; "
              + "was the jar built from a checkout with sample-data/model/" + resource.substring(resource.lastIndexOf('/') + 1)
              + "?");
        }
        return in.readAllBytes();
      }
    }
    return HadoopFiles.read(uri, conf, MAX_MODEL_BYTES);
  }
}
