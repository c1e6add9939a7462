package dev.p2g.job.run;

import dev.p2g.devices.SparkMasters;
import dev.p2g.render.DevicePolicy;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Stage-level GPU scheduling for the encode and render stages: where executors have GPUs and
 * tasks are not already given some by spark.task.resource.gpu.amount (which would make every
 * stage, listing and writes included, wait for a GPU), these two stages alone ask for a share of
 * one: p2g.gpu.perTask, or 1 / spark.executor.cores so that every core's task shares the GPU.
 * Spark supports such task-only profiles on standalone, YARN and Kubernetes with dynamic
 * allocation off; elsewhere nothing is asked and the static settings decide.
 */
final class GpuStages {
  static final String PER_TASK = "p2g.gpu.perTask";
  static final double MAX_FRACTION = 0.5;

  private GpuStages() {}

  static Optional<ResourceProfile> profile(SparkConf conf, DevicePolicy device) {
    if (device == DevicePolicy.CPU
        || SparkMasters.isLocal(conf.get("spark.master", "local"))
        || !executorGpus(conf)
        || conf.contains("spark.task.resource.gpu.amount")
        || conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
      return Optional.empty();
    }
    double share = conf.contains(PER_TASK)
        ? conf.getDouble(PER_TASK, 1.0)
        : 1.0 / Math.max(1, conf.getInt("spark.executor.cores", 1));
    // Spark's own rule for a task's resource amount: a fraction of at most one half (so that a
    // GPU is shared by whole tasks), or whole GPUs. Checked here so the job says so before it starts.
    if (!(share > 0 && share <= MAX_FRACTION) && !(share >= 1 && share == Math.floor(share))) {
      throw new IllegalArgumentException(PER_TASK + " must be a fraction in (0, " + MAX_FRACTION
          + "] or a whole number of GPUs, got " + share);
    }
    TaskResourceRequests task = new TaskResourceRequests()
        .cpus(conf.getInt("spark.task.cpus", 1)).resource("gpu", share);
    return Optional.of(new ResourceProfileBuilder().require(task).build());
  }

  /** Whether the cluster's executors have GPUs: the one place the run asks (Preflight, DeviceCheck). */
  static boolean executorGpus(SparkConf conf) {
    return conf.getDouble("spark.executor.resource.gpu.amount", 0) > 0;
  }

  /** fn over the rows, in a stage with the profile when there is one. */
  static Dataset<Row> mapPartitions(SparkSession spark, Dataset<Row> rows, MapPartitionsFunction<Row, Row> fn,
      StructType schema, Optional<ResourceProfile> profile) {
    if (profile.isEmpty()) {
      return rows.mapPartitions(fn, Encoders.row(schema));
    }
    JavaRDD<Row> mapped = rows.toJavaRDD().mapPartitions(fn::call).withResources(profile.get());
    return spark.createDataFrame(mapped, schema);
  }
}
