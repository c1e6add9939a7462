package dev.p2g.job.run;

import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.io.Device;
import dev.p2g.io.OutputLayout;
import dev.p2g.job.cli.JobConfig;
import dev.p2g.job.common.SystemicException;
import dev.p2g.job.report.RunFacts;
import dev.p2g.job.report.RunSummary;
import dev.p2g.job.sources.ImageListing;
import dev.p2g.job.tables.ErrorLog;
import dev.p2g.job.tables.Leftovers;
import dev.p2g.job.tables.OutputCommitters;
import dev.p2g.render.Scale;
import dev.p2g.spark.EncodeSettings;
import dev.p2g.spark.RenderSettings;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.util.LinkedHashSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Runs one command on a session: what is systemic first (Preflight), then the stages the command
 * has, then the report and the verdict. The stages plan and run their own chunks; this composes.
 */
public final class Driver {
  private final SparkSession spark;
  private final JobConfig given;
  private final PrintStream out;
  private final Configuration hadoop;

  public Driver(SparkSession spark, JobConfig config, PrintStream out) {
    this.spark = spark;
    this.given = config;
    this.out = out;
    this.hadoop = spark.sparkContext().hadoopConfiguration();
  }

  public int execute() throws SystemicException {
    try (OutputCommitters committers = OutputCommitters.install(spark)) {
      return execute(committers);
    }
  }

  private int execute(OutputCommitters committers) throws SystemicException {
    long started = System.nanoTime();
    Preflight preflight = new Preflight(hadoop);
    JobConfig config = preflight.qualified(given);
    Preflight.Devices devices = Preflight.devices(spark.sparkContext().getConf(), config);
    StageLines lines = new StageLines(out, config, spark.sparkContext().defaultParallelism());
    StageContext run = new StageContext(spark,
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(new SerializableConfiguration(hadoop)),
        new ErrorLog(spark, config.errors(), hadoop),
        new ProgressReporter(out, config.progressSeconds(), spark.sparkContext()), devices.profile(),
        lines.onceEach());
    if (Leftovers.clear(config.errors(), hadoop, run.notices())) { // a killed append would merge its tasks' rows twice
      out.printf("p2g: removed uncommitted output of an interrupted run from %s%n", config.errors());
    }
    String commits = committers.describe(hadoop, config.fields(), config.output(), config.errors());
    if (commits != null) {
      out.println(commits);
    }
    RunFacts facts = RunReportStep.facts(config, new Timestamp(System.currentTimeMillis()));
    boolean encodes = config.command() != JobConfig.Command.RENDER;
    boolean renders = config.command() != JobConfig.Command.ENCODE;
    ModelInfo model = encodes ? preflight.model(config) : null;
    if (encodes) {
      preflight.checkWritable(Preflight.parentOf(config.fields()));
      facts.model(model.id(), model.name(), model.k(), config.codec().name());
      lines.model(model);
    }
    devices.check().notice().ifPresent(out::println);
    long images = encodes ? encode(run, config, model, facts, lines) : 0;
    if (renders) {
      RenderStage.Result rendered = render(run, config, facts, lines, preflight);
      images = encodes ? images : rendered.fields();
    }
    ErrorLog.Summary failures = run.errors().summary(encodes,
        renders ? new LinkedHashSet<>(config.scales().stream().map(Scale::level).toList()) : null);
    if (renders && config.report()) {
      facts.errors(failures.byClass(), failures.byLevel(), failures.examples());
      facts.wallSeconds = seconds(started);
      RunReportStep.write(spark, facts, config, out);
    }
    lines.done(seconds(started));
    return lines.verdict(images, failures.failedImages());
  }

  /** Lists and encodes; returns the images the input holds (refused ones included). */
  private long encode(StageContext run, JobConfig config, ModelInfo model, RunFacts facts, StageLines lines)
      throws SystemicException {
    long t0 = System.nanoTime();
    ImageListing.Listing listing = ImageListing.list(spark, config.inputs(), config.inputFormat(), config.table(),
        run.conf());
    lines.listed(listing, seconds(t0));
    facts.listedImages = listing.imageCount() + listing.refusedCount();
    EncodeSettings settings = new EncodeSettings(
        new ModelRef(Preflight.modelUri(config), model.id(), Device.CPU, config.ortThreads()),
        config.maxPixels(), JobConfig.MAX_FILE_BYTES, config.alpha(), config.codec(), config.device(), config.tile(),
        config.encodeBatch(), facts.started, config.table());
    long t1 = System.nanoTime();
    EncodeStage.Result encoded;
    try {
      encoded = EncodeStage.run(run, listing, settings, config.fields(), config.partitions(), config.commitEvery(),
          config.verifySources());
    } finally {
      listing.release();
    }
    double seconds = seconds(t1);
    facts.encode = new RunSummary.Stage(encoded.written(), encoded.skipped(), encoded.failed(), seconds,
        encoded.busySeconds()).withSources(encoded.hashed(), encoded.changed(), encoded.sourceBytes())
        .withDevices(encoded.devices());
    lines.encoded(encoded, seconds);
    return facts.listedImages;
  }

  private RenderStage.Result render(StageContext run, JobConfig config, RunFacts facts, StageLines lines,
      Preflight preflight) throws SystemicException {
    OutputLayout layout = new OutputLayout(config.output());
    preflight.checkWritable(layout.root());
    long t0 = System.nanoTime();
    RenderStage.Result rendered = RenderStage.run(run, config.fields(), new RenderSettings(config.scales(),
        config.format(), layout, config.device(), config.renderBatch(), facts.started, config.pyramidLayout(),
        config.shardSize()), config.commitEvery());
    double seconds = seconds(t0);
    facts.render = new RunSummary.Stage(rendered.written(), rendered.skipped(), rendered.failed(), seconds,
        rendered.busySeconds()).withDevices(rendered.devices());
    facts.levelCounts = rendered.levels();
    lines.rendered(rendered, layout.manifest(), seconds);
    return rendered;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
