package dev.p2g.job.run;

import dev.p2g.job.common.SystemicException;
import dev.p2g.job.common.TaskSizing;
import dev.p2g.job.report.LevelCounts;
import dev.p2g.job.tables.Fields;
import dev.p2g.job.tables.LatestRows;
import dev.p2g.job.tables.Leftovers;
import dev.p2g.job.tables.Manifest;
import dev.p2g.job.tables.ShardSweep;
import dev.p2g.job.tables.Tables;
import dev.p2g.render.Scale;
import dev.p2g.spark.RenderPartition;
import dev.p2g.spark.RenderSettings;
import dev.p2g.spark.StageAccumulators;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.ManifestTable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Stage 2 on the driver: renders stored fields at every scale into pyramid/ and manifest/. The
 * manifest is append-only and is the record of what is complete: a (field, level) with a manifest
 * row for the same source hash, model and format is skipped. Work goes in chunks of fields/ files
 * (ChunkRunner), each a Spark job that commits its own manifest files; files whose fields are all
 * done are not read at all. Images stored as tiles follow (TiledRender).
 */
public final class RenderStage {
  /** written: images rendered by this run; skipped: (field, level) pairs already in the manifest. */
  record Result(long fields, long written, long skipped, long failed, long superseded, boolean leftoversRemoved,
      int chunks, double busySeconds, Map<String, LevelCounts> levels, List<String> devices) {

    /** Images per level in the manifest now, for the summary line. */
    Map<String, Long> imagesPerLevel() {
      Map<String, Long> out = new LinkedHashMap<>();
      levels.forEach((level, counts) -> out.put(level, counts.images()));
      return out;
    }
  }

  static final String OPEN_COST = "spark.sql.files.openCostInBytes";

  private RenderStage() {}

  static Result run(StageContext run, String fieldsUri, RenderSettings settings, long commitEvery)
      throws SystemicException {
    run.spark().sparkContext().setJobGroup("p2g-render", "p2g render stage at " + settings.scales(), false);
    try {
      return render(run, fieldsUri, settings, commitEvery);
    } finally {
      run.spark().sparkContext().clearJobGroup();
    }
  }

  private static Result render(StageContext run, String fieldsUri, RenderSettings settings, long commitEvery)
      throws SystemicException {
    SparkSession spark = run.spark();
    Configuration hadoop = run.hadoop();
    Fields.check(fieldsUri, hadoop);
    LatestRows.compact(spark, Fields.upkeep(fieldsUri), hadoop); // one field per image before rendering
    String manifestUri = settings.layout().manifest();
    boolean leftovers = Leftovers.clear(manifestUri, hadoop, run.notices());
    leftovers |= Leftovers.clear(settings.layout().pyramid(), hadoop, run.notices()); // S3: uploads of large images cut short
    long superseded = Manifest.compact(spark, manifestUri, run.conf()); // a killed run's, first
    ShardSweep sweep = new ShardSweep(spark, settings, hadoop);
    leftovers |= sweep.run() > 0; // a killed run's shards: unfinished, or finished but never recorded
    run.errors().clear(ErrorRecord.RENDER, new LinkedHashSet<>(settings.scales().stream().map(Scale::level).toList()));

    // Datasets made only when a query or a chunk needs them: a plan made on the driver needs none
    boolean manifestExists = Tables.exists(manifestUri, hadoop);
    Memo<Dataset<Row>> fields = new Memo<>(() -> Fields.read(spark, fieldsUri));
    Memo<Dataset<Row>> doneLevels = new Memo<>(() -> manifestExists
        ? Manifest.doneLevels(spark, manifestUri, settings) : null);
    RenderPlan plan = RenderPlan.onDriver(spark, fieldsUri, manifestUri, settings, hadoop)
        .orElseGet(() -> RenderPlan.of(fields.get(), doneLevels.get(), settings));
    StageAccumulators counters = StageAccumulators.register(spark, "render");
    ChunkRunner chunks = new ChunkRunner(run, counters, Manifest.upkeep(manifestUri), () -> sweep.run());
    int levels = settings.scales().size();
    TiledRender.Outcome tiled = new TiledRender.Outcome(0, 0);
    try (ProgressReporter.Stage shown = run.progress().start("render", plan.toRender() * levels, counters)) {
      renderWhole(run, chunks, plan, settings, commitEvery, counters, doneLevels);
      if (plan.tiledWork()) {
        long perChunk = Chunks.imagesPerChunk(commitEvery, run.slots(), TaskSizing.IMAGES_PER_PARTITION);
        tiled = TiledRender.run(run, chunks, fields.get().filter(functions.not(Fields.WHOLE)), doneLevels.get(),
            settings, perChunk, counters, n -> shown.addToTotal(n * levels));
      }
    } finally {
      chunks.finish();
    }
    if (plan.replaces() || tiled.images() > 0) { // re-rendered changed fields supersede their old rows
      superseded += Manifest.compact(spark, manifestUri, run.conf());
    } else if (chunks.chunks() > 0) { // new rows only, on a manifest compacted above: nothing to look for
      LatestRows.compacted(Manifest.upkeep(manifestUri), hadoop);
    }
    sweep.run(); // shards whose every image was rendered again
    Map<String, LevelCounts> perLevel = levelCounts(spark, manifestUri, settings, hadoop);
    long skippedWholeFiles = (plan.wholeFields() - plan.toRender()) * levels + plan.tiledDone() * levels;
    long written = perLevel.values().stream().mapToLong(LevelCounts::writtenThisRun).sum();
    return new Result(plan.wholeFields() + plan.tiledDone() + tiled.images() + tiled.incomplete(), written,
        skippedWholeFiles + counters.skipped().value(), counters.failed().value(), superseded, leftovers,
        chunks.chunks(), counters.busyNanos().value() / 1e9, perLevel, chunks.devices());
  }

  /** The whole images left to render, a chunk of fields/ files at a time. */
  private static void renderWhole(StageContext run, ChunkRunner chunks, RenderPlan plan, RenderSettings settings,
      long commitEvery, StageAccumulators counters, Memo<Dataset<Row>> doneLevels) throws SystemicException {
    String manifestUri = settings.layout().manifest();
    // a fields/ file is a task's worth, as encode wrote it: WAVES waves of files, or --commit-every fields
    List<List<RenderPlan.FieldsFile>> files = commitEvery > 0
        ? Chunks.consecutive(plan.files(), RenderPlan.FieldsFile::rows, commitEvery)
        : Chunks.consecutive(plan.files(), f -> 1L, (long) TaskSizing.WAVES * run.slots());
    long started = 0;
    for (List<RenderPlan.FieldsFile> chunk : files) {
      long rows = chunk.stream().mapToLong(RenderPlan.FieldsFile::rows).sum();
      Dataset<Row> chunkFields = RenderPlan.withDoneLevels(Fields.read(run.spark(),
          chunk.stream().map(RenderPlan.FieldsFile::uri).toArray(String[]::new)).filter(Fields.WHOLE), chunk,
          doneLevels.get());
      chunks.run(String.format("p2g render: fields %d-%d of %d at %s", started + 1, started + rows,
              plan.toRender(), settings.scales()), chunkFields,
          new RenderPartition(settings, run.conf(), counters), ManifestTable.SCHEMA, true,
          out -> oneTaskPerFile(run.spark(), () -> Manifest.append(out, manifestUri)));
      started += rows;
    }
  }

  private static Map<String, LevelCounts> levelCounts(SparkSession spark, String manifestUri,
      RenderSettings settings, Configuration hadoop) throws SystemicException {
    try {
      return LevelCounts.of(spark, manifestUri, settings.scales().stream().map(Scale::level).toList(),
          settings.runStarted(), hadoop);
    } catch (IOException e) {
      throw new SystemicException("cannot read " + manifestUri + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs a chunk's write with each fields/ file its own task, as encode's task wrote it: Spark
   * packs small files into a few partitions (adding 4 MB per file to their sizes), which left a
   * chunk of a few small images to two tasks of unequal work. A file's cost of a whole partition
   * (spark.sql.files.maxPartitionBytes) puts one file per task; larger files still split by row
   * group. The session's own setting is back once the write is done.
   */
  private static void oneTaskPerFile(SparkSession spark, Runnable write) {
    scala.Option<String> previous = spark.conf().getOption(OPEN_COST);
    spark.conf().set(OPEN_COST, spark.conf().get("spark.sql.files.maxPartitionBytes", "128m"));
    try {
      write.run();
    } finally {
      if (previous.isDefined()) {
        spark.conf().set(OPEN_COST, previous.get());
      } else {
        spark.conf().unset(OPEN_COST);
      }
    }
  }

  /** A value made once, when first asked for. */
  private static final class Memo<T> {
    private final Supplier<T> make;
    private boolean made;
    private T value;

    Memo(Supplier<T> make) {
      this.make = make;
    }

    T get() {
      if (!made) {
        value = make.get();
        made = true;
      }
      return value;
    }
  }
}
