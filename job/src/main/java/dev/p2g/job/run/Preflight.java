package dev.p2g.job.run;

import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelLoadException;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.io.Device;
import dev.p2g.job.cli.JobConfig;
import dev.p2g.job.common.SystemicException;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ResourceProfile;

/**
 * What the driver settles before any image is touched, so that a systemic problem (a model that
 * does not load, an output that cannot be written, a GPU share Spark refuses, --device cuda without
 * a GPU) fails the run at once: the output URIs qualified, the GPU question answered once for the
 * run (GpuStages' profile and DeviceCheck's line), the model inspected on the CPU, which every
 * executor has.
 */
final class Preflight {
  private final Configuration hadoop;

  Preflight(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** The run's answer to the GPU question: the profile its image stages ask for, and the line to print. */
  record Devices(Optional<ResourceProfile> profile, DeviceCheck.Outcome check) {}

  static Devices devices(SparkConf conf, JobConfig config) throws SystemicException {
    Optional<ResourceProfile> profile;
    try {
      profile = GpuStages.profile(conf, config.device());
    } catch (IllegalArgumentException e) {
      throw new SystemicException(e.getMessage(), e);
    }
    return new Devices(profile, DeviceCheck.of(conf, config.device(), config.command() != JobConfig.Command.RENDER,
        config.command() != JobConfig.Command.ENCODE));
  }

  /** The model this run encodes with (--model, or the built-in one --model-precision chooses), inspected. */
  ModelInfo model(JobConfig config) throws SystemicException {
    try {
      return OnnxSessions.inspect(modelUri(config), Device.CPU, config.ortThreads(), hadoop);
    } catch (ModelLoadException e) {
      throw new SystemicException(e.getMessage(), e);
    }
  }

  static String modelUri(JobConfig config) {
    return config.modelPrecision().model(config.model());
  }

  /** An unwritable output is a systemic failure: find it before any image is processed. */
  void checkWritable(String dirUri) throws SystemicException {
    Path probe = new Path(dirUri, "_p2g_write_check_" + UUID.randomUUID());
    try {
      FileSystem fs = probe.getFileSystem(hadoop);
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (IOException e) {
      throw new SystemicException("output " + dirUri + " is not writable: " + e.getMessage(), e);
    }
  }

  /** Output URIs fully qualified (file:/..., s3a://...): the manifest records paths anyone can open. */
  JobConfig qualified(JobConfig c) throws SystemicException {
    return c.withPaths(qualify(c.output()), qualify(c.fields()), qualify(c.errors()));
  }

  private String qualify(String uri) throws SystemicException {
    if (uri == null) {
      return null;
    }
    try {
      Path p = new Path(uri);
      return p.getFileSystem(hadoop).makeQualified(p).toString();
    } catch (IOException | IllegalArgumentException e) {
      throw new SystemicException("cannot use " + uri + ": " + e.getMessage(), e);
    }
  }

  static String parentOf(String uri) {
    Path parent = new Path(uri).getParent();
    return parent == null ? uri : parent.toString();
  }
}
