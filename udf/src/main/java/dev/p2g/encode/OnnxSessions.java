package dev.p2g.encode;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.p2g.io.Device;
import dev.p2g.io.HadoopFiles;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of ONNX sessions in a JVM: one session per (model id, device), created on first
 * use, shared by every task thread of the executor, closed when the JVM exits.
 */
public final class OnnxSessions {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxSessions.class);
  private static final Map<String, ModelSession> SESSIONS = new ConcurrentHashMap<>();
  private static final Map<Integer, Optional<String>> CUDA_PROBLEMS = new HashMap<>();
  private static final AtomicInteger CREATED = new AtomicInteger();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(OnnxSessions::closeAll, "p2g-onnx-close"));
  }

  private OnnxSessions() {}

  /**
   * The executor's session for ref, loading and validating the model on first use.
   *
   * @throws ModelLoadException if the model cannot be read, changed since the driver checked
   *     it, or breaks the contract: a systemic failure, not an image's.
   */
  public static ModelSession get(ModelRef ref, Configuration conf) throws ModelLoadException {
    ModelSession existing = SESSIONS.get(ref.sessionKey());
    if (existing != null) {
      return existing;
    }
    synchronized (SESSIONS) { // one load at a time: a model load is heavy and must happen once
      existing = SESSIONS.get(ref.sessionKey());
      if (existing != null) {
        return existing;
      }
      ModelSession created = open(ref, conf);
      SESSIONS.put(ref.sessionKey(), created);
      int n = CREATED.incrementAndGet();
      LOG.info("opened ONNX session " + n + " in this JVM: model " + created.info().name() + " ("
          + ModelContract.shortId(ref.id()) + ") on " + ref.device());
      return created;
    }
  }

  /** Reads, hashes and validates a model; for the driver's check before any image is touched. */
  public static ModelInfo inspect(String uri, Device device, int threads, Configuration conf)
      throws ModelLoadException {
    byte[] bytes = readModel(uri, conf);
    String id = HadoopFiles.sha256Hex(bytes);
    return get(new ModelRef(uri, id, device, threads), conf).info();
  }

  private static ModelSession open(ModelRef ref, Configuration conf) throws ModelLoadException {
    byte[] bytes = readModel(ref.uri(), conf);
    String id = HadoopFiles.sha256Hex(bytes);
    if (!id.equals(ref.id())) {
      throw new ModelLoadException("model " + ref.uri() + " changed while the job ran: the driver checked "
          + ModelContract.shortId(ref.id()) + ", this executor read " + ModelContract.shortId(id));
    }
    OrtSession session = null;
    try {
      OrtEnvironment env = OrtEnvironments.get();
      try (OrtSession.SessionOptions options = sessionOptions(ref)) {
        session = env.createSession(bytes, options);
      }
      ModelInfo info = ModelContract.validate(session, id, ref.device());
      return new ModelSession(session, session.getInputNames().iterator().next(), info, ref.device());
    } catch (OrtException e) {
      closeQuietly(session);
      throw new ModelLoadException("model " + ref.uri() + " is not a usable ONNX model: " + e.getMessage(), e);
    } catch (ModelContractException e) {
      closeQuietly(session);
      throw new ModelLoadException("model " + ref.uri() + " breaks the model contract: " + e.getMessage(), e);
    }
  }

  private static OrtSession.SessionOptions sessionOptions(ModelRef ref) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    // Spark already runs one task per core: more intra-op threads would only fight them.
    options.setIntraOpNumThreads(ref.intraOpThreads());
    options.setInterOpNumThreads(1);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    if (!ref.device().isCpu()) {
      try (var cuda = CudaProviderSettings.options(ref.device().ordinal())) {
        options.addCUDA(cuda);
      }
    }
    return options;
  }

  /**
   * Why ONNX Runtime cannot run models on this GPU, or empty when it can: the CPU build
   * (onnxruntime) has no CUDA provider, the gpu profile's (onnxruntime_gpu) needs the CUDA and
   * cuDNN libraries it was built against. Remembered per GPU: the answer does not change.
   */
  public static synchronized Optional<String> cudaProblem(int ordinal) {
    return CUDA_PROBLEMS.computeIfAbsent(ordinal, gpu -> {
      OrtEnvironments.get();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          var cuda = CudaProviderSettings.options(gpu)) {
        options.addCUDA(cuda);
        return Optional.empty();
      } catch (OrtException | RuntimeException | LinkageError e) {
        String m = String.valueOf(e.getMessage());
        return Optional.of("ONNX Runtime's CUDA provider cannot start: " + m.lines().findFirst().orElse(m));
      }
    });
  }

  /**
   * A GPU whose CUDA session failed to open although the provider started: later tasks of this
   * executor go straight to the CPU under --device auto instead of failing the same way.
   */
  public static synchronized void markCudaUnusable(int ordinal, String why) {
    CUDA_PROBLEMS.put(ordinal, Optional.of("an ONNX session on it failed: " + why));
  }

  private static byte[] readModel(String uri, Configuration conf) throws ModelLoadException {
    try {
      return ModelSource.read(uri, conf);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read model " + uri + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(OrtSession session) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException ignored) {
        // already failing with the more useful error
      }
    }
  }

  private static void closeAll() {
    for (ModelSession s : SESSIONS.values()) {
      try {
        s.close();
      } catch (OrtException ignored) {
        // the JVM is exiting
      }
    }
    SESSIONS.clear();
  }
}
