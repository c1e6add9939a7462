package dev.p2g.spark;

import java.util.Optional;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** What Spark tells a task about GPUs: its assigned address, and whether it runs in local mode. */
final class TaskGpus {
  private TaskGpus() {}

  /** The task's first "gpu" address from TaskContext.resources(), if Spark assigned one. */
  static Optional<String> assigned() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return Optional.empty();
    }
    ResourceInformation info = task.resourcesJMap().get("gpu");
    return info != null && info.addresses().length > 0 ? Optional.of(info.addresses()[0]) : Optional.empty();
  }

  /** Local mode assigns no resources to tasks (Spark schedules GPUs only on clusters). */
  static boolean localMode() {
    SparkEnv env = SparkEnv.get();
    return env != null && SparkMasters.isLocal(env.conf().get("spark.master", "local"));
  }
}
