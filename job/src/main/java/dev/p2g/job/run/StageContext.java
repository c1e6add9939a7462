package dev.p2g.job.run;

import dev.p2g.job.tables.ErrorLog;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * What every stage of a run shares: the session, the Hadoop settings its tasks get, the error
 * log, the progress lines, and the run's one answer to the GPU question (the resource profile
 * the image stages ask for, if any: GpuStages).
 */
record StageContext(SparkSession spark, Broadcast<SerializableConfiguration> conf, ErrorLog errors,
    ProgressReporter progress, Optional<ResourceProfile> gpus) {

  Configuration hadoop() {
    return conf.value().value();
  }

  int slots() {
    return spark.sparkContext().defaultParallelism();
  }
}
