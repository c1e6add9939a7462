package dev.p2g.job.run;

import dev.p2g.devices.Devices;
import dev.p2g.devices.SparkMasters;
import dev.p2g.job.common.SystemicException;
import dev.p2g.render.DevicePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkConf;

/**
 * What --device means for a run, settled once on the driver before any work (DESIGN.md's device
 * policy): --device cuda fails here when no GPU can work; --device auto says in one console line
 * where the stages will run when that is not on a GPU. Tasks still choose their own device
 * (TaskEncoders, TaskRenderers); in local mode they only log at debug what this line told.
 */
final class DeviceCheck {
  /** Encoding runs on CPUs (--device cpu, or auto without a usable GPU), and the line to print, if any. */
  record Outcome(boolean cpuEncoding, Optional<String> notice) {}

  private DeviceCheck() {}

  static Outcome of(SparkConf conf, DevicePolicy policy, boolean encodes, boolean renders) throws SystemicException {
    boolean local = SparkMasters.isLocal(conf.get("spark.master", "local"));
    boolean executorGpus = GpuStages.executorGpus(conf);
    switch (policy) {
      case CPU -> {
        return new Outcome(true, Optional.empty());
      }
      case CUDA -> {
        if (local) {
          Optional<String> problem = Devices.localCudaProblem(encodes);
          if (problem.isPresent()) {
            throw new SystemicException("--device cuda: CUDA cannot start on GPU 0: " + problem.get()
                + "; use --device auto or cpu");
          }
        } else if (!executorGpus) {
          throw new SystemicException("--device cuda: executors have no GPUs; set "
              + "spark.executor.resource.gpu.amount, spark.executor.resource.gpu.discoveryScript and "
              + "spark.task.resource.gpu.amount (deploy/), or use --device auto or cpu");
        }
        return new Outcome(false, Optional.empty());
      }
      default -> {
        return local ? localAuto(encodes, renders) : new Outcome(!executorGpus, executorGpus ? Optional.empty()
            : Optional.of("p2g: executors have no GPUs (spark.executor.resource.gpu.amount): "
                + stages(encodes, renders) + " on the CPU"));
      }
    }
  }

  /**
   * --device auto on one machine: GPU 0 where CUDA starts. A machine without an NVIDIA driver is
   * the usual CPU machine, told plainly; a driver that is there but does not serve a stage is a
   * problem worth a warning with its cause.
   */
  private static Outcome localAuto(boolean encodes, boolean renders) {
    Optional<String> render = Devices.localRenderProblem();
    Optional<String> encode = encodes ? Devices.localEncodeProblem() : Optional.empty();
    boolean cpuEncoding = encodes && encode.isPresent();
    boolean cpuRendering = renders && render.isPresent();
    if (!cpuEncoding && !cpuRendering) {
      return new Outcome(false, Optional.empty());
    }
    if (Devices.noDriver(render)) {
      return new Outcome(cpuEncoding, Optional.of("p2g: no GPU here: " + stages(encodes, renders) + " on the CPU"));
    }
    List<String> lines = new ArrayList<>();
    if (cpuEncoding) {
      lines.add("p2g: warning: encoding on the CPU: " + encode.get());
    }
    if (cpuRendering) {
      lines.add("p2g: warning: rendering on the CPU: CUDA cannot start on GPU 0: " + render.get());
    }
    return new Outcome(cpuEncoding, Optional.of(String.join(System.lineSeparator(), lines)));
  }

  private static String stages(boolean encodes, boolean renders) {
    return encodes && renders ? "encoding and rendering" : encodes ? "encoding" : "rendering";
  }
}
