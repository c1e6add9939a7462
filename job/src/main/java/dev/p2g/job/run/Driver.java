package dev.p2g.job.run;

import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelLoadException;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.io.OutputLayout;
import dev.p2g.job.cli.JobConfig;
import dev.p2g.job.common.ExitCodes;
import dev.p2g.job.common.SystemicException;
import dev.p2g.job.report.RunFacts;
import dev.p2g.job.report.RunReport;
import dev.p2g.job.report.RunSummary;
import dev.p2g.job.sources.ImageListing;
import dev.p2g.job.sources.InputFormat;
import dev.p2g.job.tables.ErrorLog;
import dev.p2g.job.tables.Leftovers;
import dev.p2g.job.tables.OutputCommitters;
import dev.p2g.spark.EncodeSettings;
import dev.p2g.spark.RenderSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/** Runs one command on a session: checks everything systemic first, then the stages, then the summary. */
public final class Driver {
  private final SparkSession spark;
  private JobConfig config;
  /** The model encode uses, once resolved (modelUri()). */
  private String modelUri;
  /** Where the stages run, as the driver can tell before any work (resolveDevice()). */
  private DeviceCheck.Outcome devices;
  private final PrintStream out;
  private final Configuration hadoop;

  public Driver(SparkSession spark, JobConfig config, PrintStream out) {
    this.spark = spark;
    this.config = config;
    this.out = out;
    this.hadoop = spark.sparkContext().hadoopConfiguration();
  }

  public int execute() throws SystemicException {
    try (OutputCommitters committers = OutputCommitters.install(spark)) {
      return execute(committers);
    }
  }

  private int execute(OutputCommitters committers) throws SystemicException {
    config = qualified(config);
    String device = resolveDevice();
    Broadcast<SerializableConfiguration> conf =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(new SerializableConfiguration(hadoop));
    long started = System.nanoTime();
    long images = 0;
    Timestamp runStarted = new Timestamp(System.currentTimeMillis());
    ProgressReporter progress = new ProgressReporter(out, config.progressSeconds(), spark.sparkContext());
    ErrorLog errors = new ErrorLog(spark, config.errors(), hadoop);
    if (Leftovers.clear(config.errors(), hadoop)) { // a killed append would merge its tasks' rows twice
      out.printf("p2g: removed uncommitted output of an interrupted run from %s%n", config.errors());
    }
    String commits = committers.describe(hadoop, config.fields(), config.output(), config.errors());
    if (commits != null) {
      out.println(commits);
    }
    boolean encodes = config.command() != JobConfig.Command.RENDER;
    Set<String> levels = null;
    RunFacts facts = new RunFacts();
    facts.command = config.command().name().toLowerCase(java.util.Locale.ROOT);
    facts.started = runStarted;
    facts.output = config.output();
    facts.fields = config.fields();
    facts.requestedDevice = config.device().cliName();
    facts.format = config.format().extension();
    facts.levels = config.scales().stream().map(s -> s.level()).toList();
    ModelInfo model = null;
    if (encodes) {
      model = inspectModel(device);
      checkWritable(parentOf(config.fields()));
      facts.modelId = model.id();
      facts.modelName = model.name();
      facts.modelK = model.k();
      facts.codec = config.codec().name();
      out.printf("p2g: model %s (%s), k=%d, device %s%n", model.name(), model.id().substring(0, 12), model.k(),
          config.device());
    }
    devices.notice().ifPresent(out::println);
    if (encodes) {
      long t0 = System.nanoTime();
      ImageListing.Listing listing = ImageListing.list(spark, config.inputs(), config.inputFormat(), config.table(),
          conf);
      out.printf("p2g: listed %d images (%d other files skipped, %d duplicate names refused%s) in %.1f s%n",
          listing.imageCount(), listing.otherFiles(), listing.duplicateCount(),
          config.inputFormat() == InputFormat.FILES ? ""
              : ", " + listing.unlistable() + " unreadable in " + config.inputFormat().cliName() + " containers",
          seconds(t0));
      images = listing.imageCount() + listing.refusedCount();
      facts.listedImages = images;
      EncodeSettings settings = new EncodeSettings(
          new ModelRef(modelUri(), model.id(), device, config.ortThreads()),
          config.maxPixels(), JobConfig.MAX_FILE_BYTES, config.alpha(), config.codec(), config.device(), config.tile(),
          config.encodeBatch(), runStarted, config.table());
      long t1 = System.nanoTime();
      EncodeStage.Result encoded;
      try {
        encoded = EncodeStage.run(spark, listing, settings, config.fields(), config.partitions(),
            config.commitEvery(), config.verifySources(), conf, errors, progress);
      } finally {
        listing.release();
      }
      reportCleanup(config.fields(), encoded.leftoversRemoved(), encoded.superseded());
      double encodeSeconds = seconds(t1);
      facts.encode = new RunSummary.Stage(encoded.written(), encoded.skipped(), encoded.failed(), encodeSeconds,
          encoded.busySeconds()).withSources(encoded.hashed(), encoded.changed(), encoded.sourceBytes())
          .withDevices(encoded.devices());
      out.printf("p2g: encode wrote %d fields to %s in %d chunks, skipped %d images already encoded with this model,"
          + " %d failed, in %.1f s%s%n", encoded.written(), config.fields(), encoded.chunks(), encoded.skipped(),
          encoded.failed(), encodeSeconds, busyShare(encoded.busySeconds(), encodeSeconds));
      out.printf("p2g: encode read %d bytes of sources; %d sources hashed because their listing changed%s,"
          + " %d of them changed%n", encoded.sourceBytes(), encoded.hashed(),
          config.verifySources() ? " or --verify-sources" : "", encoded.changed());
    }
    if (config.command() != JobConfig.Command.ENCODE) {
      OutputLayout layout = new OutputLayout(config.output());
      checkWritable(layout.root());
      levels = new LinkedHashSet<>();
      for (var s : config.scales()) {
        levels.add(s.level());
      }
      long t2 = System.nanoTime();
      RenderStage.Result rendered = RenderStage.run(spark, config.fields(), new RenderSettings(config.scales(),
          config.format(), layout, config.device(), config.renderBatch(), runStarted, config.pyramidLayout(),
          config.shardSize()), config.commitEvery(),
          conf, errors, progress);
      if (config.command() == JobConfig.Command.RENDER) {
        images = rendered.fields();
      }
      reportCleanup(layout.manifest(), rendered.leftoversRemoved(), rendered.superseded());
      double renderSeconds = seconds(t2);
      facts.render = new RunSummary.Stage(rendered.written(), rendered.skipped(), rendered.failed(), renderSeconds,
          rendered.busySeconds()).withDevices(rendered.devices());
      out.printf("p2g: render of %d fields at %s wrote %d images in %d chunks, skipped %d already rendered,"
          + " %d failed, in %.1f s%s; images per level: %s%n", rendered.fields(), config.scales(), rendered.written(),
          rendered.chunks(), rendered.skipped(), rendered.failed(), renderSeconds,
          busyShare(rendered.busySeconds(), renderSeconds), rendered.imagesPerLevel());
      facts.levelCounts = rendered.levels();
    }
    ErrorLog.Summary failures = errors.summary(encodes, levels);
    if (config.command() != JobConfig.Command.ENCODE && config.report()) {
      facts.errorsByClass = failures.byClass();
      facts.failedPerLevel = failures.byLevel();
      facts.errorExamples = failures.examples();
      writeReport(facts, started);
    }
    out.printf("p2g: done in %.1f s; output %s; errors in %s%n", seconds(started),
        config.command() == JobConfig.Command.ENCODE ? config.fields() : config.output(), config.errors());
    return errorFractionVerdict(images, failures.failedImages());
  }

  /**
   * How much of the stage's task-slot time went to images (decode and model, or render and
   * writing) rather than to Spark, listing, hashing and commits: what more cores can speed up.
   */
  private String busyShare(double busySeconds, double wallSeconds) {
    int slots = spark.sparkContext().defaultParallelism();
    if (busySeconds <= 0 || wallSeconds <= 0) {
      return "";
    }
    return String.format(" (tasks on images %.1f s, %.0f%% of %d slots x %.1f s)", busySeconds,
        100 * busySeconds / (slots * wallSeconds), slots, wallSeconds);
  }

  /** The report is about outputs already committed: failing to write it is a warning, not a failed run. */
  private void writeReport(RunFacts facts, long started) {
    facts.wallSeconds = seconds(started);
    try {
      if (facts.modelId == null) { // render alone: the model and codec are those of the stored fields
        facts.modelId = storedDistinct("model_id");
        facts.codec = storedDistinct("codec");
      }
      out.printf("p2g: report %s%n", RunReport.write(spark, facts, hadoop));
    } catch (Exception e) { // Spark's AnalysisException is checked, and thrown undeclared
      out.printf("p2g: warning: the report could not be written: %s%n", SystemicException.rootMessage(e));
    }
  }

  private String storedDistinct(String column) {
    return String.join(", ", spark.read().schema(dev.p2g.tables.FieldTable.SCHEMA).parquet(config.fields())
        .select(column).distinct().limit(3).collectAsList().stream().map(r -> r.<String>getAs(column)).sorted().toList());
  }

  private void reportCleanup(String table, boolean leftovers, long superseded) {
    if (leftovers) {
      out.printf("p2g: removed uncommitted output of an interrupted run from %s%n", table);
    }
    if (superseded > 0) {
      out.printf("p2g: removed %d superseded rows from %s%n", superseded, table);
    }
  }

  private int errorFractionVerdict(long images, long failed) {
    if (images == 0) {
      out.println("p2g: warning: no images were found in the input");
      return ExitCodes.OK;
    }
    double fraction = (double) failed / images;
    if (fraction > config.maxErrorFraction()) {
      out.printf("p2g: %d of %d images failed (%.1f%%), over --max-error-fraction %s: exit 1%n", failed, images,
          100 * fraction, config.maxErrorFraction());
      return ExitCodes.SYSTEMIC;
    }
    return ExitCodes.OK;
  }

  /**
   * DESIGN.md's device policy, the part the driver can settle before any work (DeviceCheck);
   * the model is validated on the CPU, which every executor has. A bad GPU share fails here too.
   */
  private String resolveDevice() throws SystemicException {
    try {
      GpuStages.profile(spark.sparkContext().getConf(), config.device());
    } catch (IllegalArgumentException e) {
      throw new SystemicException(e.getMessage(), e);
    }
    devices = DeviceCheck.of(spark.sparkContext().getConf(), config.device(),
        config.command() != JobConfig.Command.RENDER, config.command() != JobConfig.Command.ENCODE);
    return ModelRef.CPU;
  }

  /** The model this run encodes with: --model, or the built-in one --model-precision chooses. */
  private String modelUri() {
    if (modelUri == null) {
      modelUri = config.modelPrecision().model(config.model());
    }
    return modelUri;
  }

  private ModelInfo inspectModel(String device) throws SystemicException {
    try {
      return OnnxSessions.inspect(modelUri(), device, config.ortThreads(), hadoop);
    } catch (ModelLoadException e) {
      throw new SystemicException(e.getMessage(), e);
    }
  }

  /** An unwritable output is a systemic failure: find it before any image is processed. */
  private void checkWritable(String dirUri) throws SystemicException {
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
  private JobConfig qualified(JobConfig c) throws SystemicException {
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

  private static String parentOf(String uri) {
    Path parent = new Path(uri).getParent();
    return parent == null ? uri : parent.toString();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

}
