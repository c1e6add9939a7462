package dev.p2g.job.run;

import dev.p2g.job.tables.ErrorLog;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * What every stage of a run shares: the session, the Hadoop settings its tasks get, the error
 * log, the progress lines, the run's one answer to the GPU question (the resource profile the
 * image stages ask for, if any: GpuStages), and the run's p2g: lines about what a store left out
 * (each said once).
 */
record StageContext(SparkSession spark, Broadcast<SerializableConfiguration> conf, ErrorLog errors,
    ProgressReporter progress, Optional<ResourceProfile> gpus, Consumer<String> notices) {

  Configuration hadoop() {
    return conf.value().value();
  }

  int slots() {
    return spark.sparkContext().defaultParallelism();
  }
}
