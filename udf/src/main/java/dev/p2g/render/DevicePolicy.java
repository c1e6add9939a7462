package dev.p2g.render;

import dev.p2g.io.CliNames;
import java.util.Optional;

/**
 * DESIGN.md's device policy, as one decision per task: {@code auto} uses the task's GPU when one
 * is assigned (in local mode, where Spark assigns none, GPU 0) and CUDA initialises, else the CPU
 * with a warning; {@code cuda} requires a working GPU; {@code cpu} never touches CUDA.
 */
public enum DevicePolicy {
  AUTO, CPU, CUDA;

  /** The name on the command line and in messages: auto, cpu, cuda. */
  public String cliName() {
    return CliNames.of(this);
  }

  @Override
  public String toString() {
    return cliName();
  }

  public static DevicePolicy parse(String name) {
    return CliNames.parse(DevicePolicy.class, "--device", name);
  }

  /** Where a task renders, and why not on the GPU when it could have. */
  public record Choice(Optional<Integer> gpu, Optional<String> warning) {
    public static Choice cpu(String why) {
      return new Choice(Optional.empty(), Optional.ofNullable(why));
    }

    public static Choice cuda(int ordinal) {
      return new Choice(Optional.of(ordinal), Optional.empty());
    }
  }

  /**
   * @param requested the policy
   * @param assignedGpu the task's GPU address from TaskContext.resources(), if any
   * @param localMode whether Spark runs in local mode (tasks get no resources there)
   * @param cudaProblem why CUDA cannot start on this device, or empty when it can; only asked
   *     when a GPU would be used
   * @throws DeviceUnavailableException for {@code cuda} without a working GPU
   */
  public static Choice choose(DevicePolicy requested, Optional<String> assignedGpu, boolean localMode,
      java.util.function.IntFunction<Optional<String>> cudaProblem) {
    if (requested == CPU) {
      return Choice.cpu(null);
    }
    Optional<Integer> gpu;
    try {
      gpu = assignedGpu.map(a -> Integer.parseInt(a.trim())).or(() -> localMode ? Optional.of(0) : Optional.empty());
    } catch (NumberFormatException e) {
      return refuse(requested, "the task's GPU address '" + assignedGpu.get() + "' is not a device ordinal");
    }
    if (gpu.isEmpty()) {
      return refuse(requested, "no GPU is assigned to this task (spark.task.resource.gpu.amount and "
          + "spark.executor.resource.gpu.* are not set, or the executor has no GPU)");
    }
    Optional<String> problem = cudaProblem.apply(gpu.get());
    if (problem.isPresent()) {
      return refuse(requested, "CUDA cannot start on GPU " + gpu.get() + ": " + problem.get());
    }
    return Choice.cuda(gpu.get());
  }

  private static Choice refuse(DevicePolicy requested, String why) {
    if (requested == CUDA) {
      throw new DeviceUnavailableException("--device cuda: " + why);
    }
    return Choice.cpu(why);
  }
}
