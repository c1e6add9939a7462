package dev.p2g.job;

import dev.p2g.devices.TaskRenderers;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.Renderer;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;

/**
 * Run by GpuSchedulingClusterTest in its own JVM: a Spark standalone cluster in local-cluster
 * mode (one worker with 2 cores and 2 fake GPUs, executors in their own JVMs), where every task
 * reports the GPU address Spark gave it and what p2g's device policy made of it.
 * Prints one "task ADDRESS AUTO_DEVICE CUDA_OUTCOME" line per task.
 */
public final class GpuClusterProbe {
  private GpuClusterProbe() {}

  public static void main(String[] args) {
    String discovery = args[0];
    String classDirs = args[1];
    if (args.length > 2) {
      // The whole job on the cluster, GPUs given to its encode and render stages only by
      // stage-level scheduling (no spark.task.resource.gpu.amount): the exit code is printed.
      String[] job = {"run", "--input", args[2], "--output", args[3], "--scales", "2", "--model", JobRun.ANALYTIC_MODEL,
          "--master", "local-cluster[1,2,1024]",
          "--conf", "spark.driver.host=127.0.0.1",
          "--conf", "spark.executor.extraClassPath=" + classDirs,
          "--conf", "spark.executor.cores=2",
          "--conf", "spark.worker.resource.gpu.amount=1",
          "--conf", "spark.worker.resource.gpu.discoveryScript=" + discovery,
          "--conf", "spark.executor.resource.gpu.amount=1",
          "--conf", "spark.executor.resource.gpu.discoveryScript=" + discovery};
      System.out.println("job exit " + Main.run(job, System.out, System.err));
      return;
    }
    SparkSession spark = SparkSession.builder().master("local-cluster[1,2,1024]").appName("p2g-gpu-probe")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.executor.extraClassPath", classDirs)
        .config("spark.worker.resource.gpu.amount", "2")
        .config("spark.worker.resource.gpu.discoveryScript", discovery)
        .config("spark.executor.resource.gpu.amount", "2")
        .config("spark.executor.resource.gpu.discoveryScript", discovery)
        .config("spark.task.resource.gpu.amount", "1")
        .getOrCreate();
    try {
      List<String> lines = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(Arrays.asList(1, 2, 3, 4), 4)
          .map(i -> {
            ResourceInformation gpu = TaskContext.get().resourcesJMap().get("gpu");
            String address = gpu == null ? "none" : String.join(",", gpu.addresses());
            Renderer auto = TaskRenderers.open(DevicePolicy.AUTO);
            String cuda;
            try {
              cuda = "ok:" + TaskRenderers.open(DevicePolicy.CUDA).device();
            } catch (IllegalStateException e) {
              cuda = "refused:" + e.getMessage().replace(' ', '_');
            }
            return "task " + address + " " + auto.device() + " " + cuda;
          })
          .collect();
      lines.forEach(System.out::println);
    } finally {
      spark.stop();
    }
  }
}
