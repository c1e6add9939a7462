package dev.p2g.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.p2g.io.OutputLayout;
import dev.p2g.job.cli.JobConfig;
import dev.p2g.job.common.TaskSizing;
import dev.p2g.job.run.Chunks;
import dev.p2g.job.run.EncodePlan;
import dev.p2g.job.run.EncodeStage;
import dev.p2g.job.run.RenderPlan;
import dev.p2g.job.sources.ImageListing;
import dev.p2g.job.sources.InputFormat;
import dev.p2g.job.tables.Manifest;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import dev.p2g.spark.RenderSettings;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestTable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Planning at scale without a model (issue 15): a synthetic listing of N images
 * (SyntheticFileSystem, listed by the job's own ImageListing), synthetic fields/ and manifest/
 * tables, and the job's encode plan, chunking and render plan over them, for a fresh run, a run
 * half done and a run all done. Prints plan times and the JVM's peak heap (driver and the local
 * executor together: a bound on the driver's) per case. Run under -Xmx1g:
 *   bin/bench dev.p2g.job.PlanBenchmark [images] [work folder] [rows per file]
 */
public final class PlanBenchmark {
  private static final String MODEL = "bench-model";
  /**
   * Rows per fields/ and manifest/ file by default: a task's file of 512 images. The job writes 64
   * (large images) to 4,096 (tiny ones) a file; the third argument sets it.
   */
  private static final int ROWS_PER_FILE = 512;
  private static final List<Scale> SCALES = List.of(Scale.parse("0.5"), Scale.parse("2"));

  private PlanBenchmark() {}

  public static void main(String[] args) throws Exception {
    long images = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int rowsPerFile = args.length > 2 ? Integer.parseInt(args[2]) : ROWS_PER_FILE;
    String work = args.length > 1 ? args[1] : "/tmp/p2g-plan-bench-" + rowsPerFile; // tables kept for the next run
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("p2g plan benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", Main.LOCAL_SHUFFLE_PARTITIONS_PER_CORE * 2);
    SyntheticFileSystem.settings().forEach((k, v) -> builder.config("spark.hadoop." + k, v));
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Broadcast<SerializableConfiguration> conf = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    String input = SyntheticFileSystem.SCHEME + "://" + images + "/";
    Timestamp now = new Timestamp(System.currentTimeMillis());
    System.out.printf("%,d synthetic images, %,d rows a fields/ file, local[2], max heap %d MiB, %d cores%n", images,
        rowsPerFile, Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());

    System.out.println("| case | listing | encode plan | first chunk ready | render plan | plan total |"
        + " to encode | to render (fields) | old-gen peak |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    String[] cases = {"fresh", "half done", "all done"};
    for (int c = 0; c < cases.length; c++) {
      String fields = work + "/" + c + "/fields";
      String manifest = work + "/" + c + "/manifest";
      double share = c / 2.0;
      prepare(spark, images, share, fields, manifest, now, rowsPerFile); // outside the timings
      System.gc();
      resetPeaks();
      long t0 = System.nanoTime();
      ImageListing.Listing listing = ImageListing.list(spark, List.of(input), InputFormat.FILES, null, conf);
      long t1 = System.nanoTime();
      boolean fieldsExist = share > 0;
      EncodePlan.Pending pending = EncodePlan.plan(spark, listing, fieldsExist, false, fields, MODEL, false, now,
          JobConfig.MAX_FILE_BYTES, null, conf,
          spark.sparkContext().longAccumulator("source bytes"));
      long t2 = System.nanoTime();
      int perTask = EncodeStage.imagesPerTask(listing.imageCount(), listing.imageBytes()); // as the job sizes them
      Chunks chunks = Chunks.of(spark, pending.todo(), pending.todoCount(),
          Chunks.imagesPerChunk(0, spark.sparkContext().defaultParallelism(), perTask), 0, perTask);
      long firstChunk = chunks.count() > 0 ? chunks.chunk(0).count() : 0;
      long t3 = System.nanoTime();
      pending.release().run();
      listing.release();
      long toRender = 0;
      if (fieldsExist) {
        RenderSettings settings = new RenderSettings(SCALES, OutputFormat.parse("png"), new OutputLayout(work),
            DevicePolicy.CPU, 0, now);
        Dataset<Row> stored = spark.read().schema(FieldTable.SCHEMA).parquet(fields);
        toRender = RenderPlan.of(stored, Manifest.doneLevels(spark, manifest, settings), settings).files()
            .stream()
            .mapToLong(RenderPlan.FieldsFile::rows).sum();
      }
      long t4 = System.nanoTime();
      System.out.printf("| %s | %.1f s | %.1f s | %.1f s (%,d of %,d chunks' images) | %s | %.1f s | %,d |"
              + " %s | %d MiB |%n", cases[c], sec(t1 - t0), sec(t2 - t1), sec(t3 - t2), firstChunk, chunks.count(),
          fieldsExist ? String.format("%.1f s", sec(t4 - t3)) : "(no fields)", sec(t4 - t0), pending.todoCount(),
          fieldsExist ? String.format("%,d", toRender) : "-", peakHeap() >> 20);
    }
    spark.stop();
  }

  /** fields/ for the first share of the images by hash, manifest/ with both levels of all of them. */
  private static void prepare(SparkSession spark, long images, double share, String fields, String manifest,
      Timestamp now, int rowsPerFile) {
    if (share == 0) {
      return;
    }
    Column n = col("id");
    Dataset<Row> all = spark.range(images).select(
        expr("format_string('d%04d/e%04d/img-%03d.png', id div 10000, (id div 100) % 100, id % 100)").as("key"),
        n);
    Dataset<Row> done = share >= 1 ? all : all.filter(expr("pmod(hash(key), 2) = 0"));
    long rows = (long) (images * share);
    int files = (int) Math.max(1, rows / rowsPerFile);
    if (!new java.io.File(fields).isDirectory()) { // kept from an earlier run of the benchmark
      done.select(col("key"),
            expr("concat('" + SyntheticFileSystem.SCHEME + "://" + images + "/', key)").as("source_uri"),
            expr("sha2(key, 256)").as("source_sha256"),
            expr("100 + id % 900").as(FieldTable.SOURCE_SIZE),
            expr(SyntheticFileSystem.TIME + " + id").as(FieldTable.SOURCE_MODIFIED),
            lit(null).cast("string").as(FieldTable.SOURCE_ETAG),
            lit(MODEL).as("model_id"), lit(1).as("field_version"), lit(16).as("width"), lit(16).as("height"),
            lit(0).as("tile_x"), lit(0).as("tile_y"), lit(16).as("tile_width"), lit(16).as("tile_height"),
            lit(2).as("k"), lit("q8").as("codec"), lit("black").as("alpha"), lit(now).as(FieldTable.ENCODED_AT),
            lit(1.0).as("reach"), expr("unhex(sha2(key, 256))").as("params"))
          .repartition(files).write().mode(SaveMode.Overwrite).parquet(fields);
    }
    if (new java.io.File(manifest).isDirectory()) {
      return;
    }
    Dataset<Row> levels = null;
    for (Scale s : SCALES) {
      Dataset<Row> level = done.select(col("key"), lit(s.canonical()).as("scale"), lit(s.x()).as("scale_x"),
          lit(s.y()).as("scale_y"), expr("concat('/tmp/pyramid/', key)").as("path"), lit(8).as("width"),
          lit(8).as("height"), lit("png").as("format"), lit(100L).as("bytes"), lit(1.0).as("render_ms"),
          lit("cpu").as("device"), expr("sha2(key, 256)").as("source_sha256"), lit(MODEL).as("model_id"),
          lit(now).as(ManifestTable.RENDERED_AT), lit(s.level()).as(ManifestTable.LEVEL));
      levels = levels == null ? level : levels.union(level);
    }
    // the manifest of the half-done case is its fields' levels: what a run killed in render leaves is finer.
    // One file a level for each render chunk of 4 waves of files over 2 slots, as RenderStage writes it.
    int chunks = Math.max(1, files / (TaskSizing.WAVES * 2));
    levels.repartition(chunks).write().mode(SaveMode.Overwrite).partitionBy(ManifestTable.LEVEL).parquet(manifest);
  }

  private static void resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  /**
   * The old generation's peak: what stayed live across collections (the young pools fill to their
   * size whatever the job holds, so their peaks say little). The case ran under the JVM's -Xmx.
   */
  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Old")) {
        peak = Math.max(peak, pool.getPeakUsage().getUsed());
      }
    }
    return peak;
  }

  private static double sec(long nanos) {
    return nanos / 1e9;
  }
}
