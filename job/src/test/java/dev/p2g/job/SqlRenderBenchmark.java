package dev.p2g.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import dev.p2g.sql.P2gFunctions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * p2g_render (the SQL function, row by row) against the render command on the same fields, in
 * one run: the sample images encoded once, their fields copied to N rows under new keys
 * (copyN/KEY: a pyramid file each), then
 * each way renders all N at one scale on the CPU, alternately, best of rounds. The function's
 * images go into a Parquet table (key, png); the command's into pyramid/ files and manifest/.
 *   bin/bench dev.p2g.job.SqlRenderBenchmark [copies of the samples, default 40] [scale, default 2]
 */
public final class SqlRenderBenchmark {
  private static final int ROUNDS = 3;

  private SqlRenderBenchmark() {}

  public static void main(String[] args) throws Exception {
    int copies = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    String scale = args.length > 1 ? args[1] : "2";
    Path work = Files.createTempDirectory("p2g-sqlbench");
    SparkSession spark = session("p2g-sqlbench");
    String many = copiedFields(spark, work, copies);
    long n = spark.read().parquet(many).count();
    P2gFunctions.register(spark);
    double bestJob = Double.MAX_VALUE;
    double bestSql = Double.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      long t0 = System.nanoTime();
      quiet("render", "--fields", many, "--output", work.resolve("job" + round).toString(), "--scales", scale,
          "--device", "cpu", "--report", "off", "--progress-every", "0");
      bestJob = Math.min(bestJob, (System.nanoTime() - t0) / 1e9);
      long t1 = System.nanoTime();
      spark.read().parquet(many).selectExpr("key", "p2g_render(struct(*), '" + scale + "') AS png")
          .write().parquet(work.resolve("sql" + round).toString());
      bestSql = Math.min(bestSql, (System.nanoTime() - t1) / 1e9);
    }
    System.out.printf("%d fields (%d sample images x %d), scale %s, local[2], CPU, best of %d%n", n,
        n / copies, copies, scale, ROUNDS);
    System.out.println("| way | seconds | images/s |");
    System.out.println("|---|---:|---:|");
    System.out.printf("| render command (pyramid files + manifest) | %.2f | %.1f |%n", bestJob, n / bestJob);
    System.out.printf("| p2g_render into a Parquet table | %.2f | %.1f |%n", bestSql, n / bestSql);
    System.out.printf("p2g_render / render command, images/s: %.2f%n", bestJob / bestSql);
    spark.stop();
  }

  /** The local[2] session the benchmarks of the job run in. */
  static SparkSession session(String name) {
    return SparkSession.builder().master("local[2]").appName(name)
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  /**
   * The samples encoded once on the CPU, their fields copied to copies rows each under new keys
   * (copyN/KEY), in 4 files; the copies' fields folder.
   */
  static String copiedFields(SparkSession spark, Path work, int copies) {
    quiet("encode", "--input", "sample-data/images", "--fields", work.resolve("fields").toString(), "--device",
        "cpu");
    Dataset<Row> fields = spark.read().parquet(work.resolve("fields").toString());
    String many = work.resolve("fields-many").toString();
    fields.crossJoin(spark.range(copies).withColumnRenamed("id", "copy"))
        .withColumn("key", concat(lit("copy"), col("copy").cast("string"), lit("/"), col("key")))
        .drop("copy").repartition(4).write().mode(SaveMode.Overwrite).parquet(many);
    return many;
  }

  static void quiet(String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(sink), System.err);
    if (code != Main.OK) {
      throw new IllegalStateException(String.join(" ", args) + " exited " + code + ": " + sink);
    }
  }
}
