package dev.p2g.job.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.render.DevicePolicy;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ResourceProfile;
import org.junit.jupiter.api.Test;

class GpuStagesTest {
  private static SparkConf gpuCluster() {
    return new SparkConf(false).set("spark.master", "spark://m:7077")
        .set("spark.executor.resource.gpu.amount", "1").set("spark.executor.cores", "8");
  }

  private static double gpuShare(ResourceProfile p) {
    return p.taskResources().get("gpu").get().amount();
  }

  @Test
  void aGpuClusterSharesEachGpuAmongItsCores() {
    ResourceProfile p = GpuStages.profile(gpuCluster(), DevicePolicy.AUTO).orElseThrow();
    assertEquals(0.125, gpuShare(p), 1e-12);
    assertTrue(p.executorResources().isEmpty(), "task-only: the executors stay as configured");
  }

  @Test
  void theShareCanBeSet() {
    assertEquals(0.5, gpuShare(GpuStages.profile(gpuCluster().set(GpuStages.PER_TASK, "0.5"), DevicePolicy.CUDA).orElseThrow()),
        1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> GpuStages.profile(gpuCluster().set(GpuStages.PER_TASK, "1.5"), DevicePolicy.AUTO));
    assertEquals(2.0, gpuShare(GpuStages.profile(gpuCluster().set(GpuStages.PER_TASK, "2"), DevicePolicy.AUTO)
        .orElseThrow()), 1e-12);
  }

  /**
   * Spark 3.5's TaskResourceRequest asserts "amount <= 0.5 || amount % 1 == 0" when the profile is
   * built (4.2 builds it and leaves the rest to its scheduler); the job refuses those shares itself,
   * before anything starts, on both. A share above one half gives a task a whole GPU anyway.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(doubles = {0.75, 0.51, 1.5})
  void aShareSparkWouldRefuseIsRefusedFirst(double share) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GpuStages.profile(gpuCluster().set(GpuStages.PER_TASK, Double.toString(share)), DevicePolicy.AUTO));
    assertTrue(e.getMessage().contains("p2g.gpu.perTask must be a fraction in (0, 0.5]"), e.getMessage());
  }

  @Test
  void nothingIsAskedWhereItCannotOrNeedNotBe() {
    assertTrue(GpuStages.profile(gpuCluster(), DevicePolicy.CPU).isEmpty(), "cpu");
    assertTrue(GpuStages.profile(gpuCluster().set("spark.master", "local[4]"), DevicePolicy.AUTO).isEmpty(), "local mode");
    assertTrue(GpuStages.profile(gpuCluster().remove("spark.executor.resource.gpu.amount"), DevicePolicy.AUTO).isEmpty(),
        "executors without GPUs");
    assertTrue(GpuStages.profile(gpuCluster().set("spark.task.resource.gpu.amount", "0.25"), DevicePolicy.AUTO).isEmpty(),
        "static task GPUs already apply");
    assertTrue(GpuStages.profile(gpuCluster().set("spark.dynamicAllocation.enabled", "true"), DevicePolicy.AUTO).isEmpty(),
        "task-only profiles need dynamic allocation off");
  }

  @Test
  void localClusterIsACluster() {
    assertTrue(GpuStages.profile(gpuCluster().set("spark.master", "local-cluster[1,2,1024]"), DevicePolicy.AUTO).isPresent());
  }
}
