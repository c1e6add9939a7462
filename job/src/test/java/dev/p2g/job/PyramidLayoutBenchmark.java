package dev.p2g.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The render command into each pyramid layout (files, webdataset, parquet) on the same fields, in
 * one run, in rotating order, best of rounds: images/s and its ratio to the files layout, and the
 * objects written per 1,000 images (in pyramid/, and in the whole output with manifest/ and
 * errors/), what an object store bills and lists. The sample images are encoded once and their
 * fields copied to N rows under new keys (SqlRenderBenchmark.copiedFields), rendered on the CPU.
 *   bin/bench dev.p2g.job.PyramidLayoutBenchmark [copies of the samples, default 40] [scale, default 2]
 */
public final class PyramidLayoutBenchmark {
  private static final int ROUNDS = 3;
  private static final List<String> LAYOUTS = List.of("files", "webdataset", "parquet");

  private PyramidLayoutBenchmark() {}

  public static void main(String[] args) throws Exception {
    int copies = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    String scale = args.length > 1 ? args[1] : "2";
    Path work = Files.createTempDirectory("p2g-layoutbench");
    SparkSession spark = SqlRenderBenchmark.session("p2g-layoutbench");
    String many = SqlRenderBenchmark.copiedFields(spark, work, copies);
    long n = spark.read().parquet(many).count();
    Map<String, Double> best = new LinkedHashMap<>();
    Map<String, List<String>> all = new LinkedHashMap<>();
    Map<String, long[]> objects = new LinkedHashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < LAYOUTS.size(); i++) {
        // each round starts with another layout, so that none always runs first (colder) or last
        String layout = LAYOUTS.get((i + round) % LAYOUTS.size());
        Path out = work.resolve(layout + round);
        long t0 = System.nanoTime();
        SqlRenderBenchmark.quiet("render", "--fields", many, "--output", out.toString(), "--scales", scale,
            "--device", "cpu", "--report", "off", "--progress-every", "0", "--pyramid-layout", layout);
        double seconds = (System.nanoTime() - t0) / 1e9;
        best.merge(layout, seconds, Math::min);
        all.computeIfAbsent(layout, l -> new java.util.ArrayList<>()).add(String.format("%.1f", seconds));
        objects.put(layout, new long[] {files(out.resolve("pyramid")), files(out)});
      }
    }
    System.out.printf("%d fields (%d sample images x %d), scale %s, local[2], CPU, default --shard-size, best of %d%n",
        n, n / copies, copies, scale, ROUNDS);
    System.out.println("| layout | best s | every round, s | images/s | vs files | pyramid objects per 1,000"
        + " images | all output objects per 1,000 images |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    double files = best.get("files");
    for (String layout : LAYOUTS) {
      double s = best.get(layout);
      long[] o = objects.get(layout);
      System.out.printf("| %s | %.2f | %s | %.1f | %.2f | %.1f | %.1f |%n", layout, s,
          String.join(", ", all.get(layout)), n / s, files / s,
          1000.0 * o[0] / n, 1000.0 * o[1] / n);
    }
    spark.stop();
  }

  /** Regular files under dir, Hadoop's .crc side files left out (an object store has none). */
  private static long files(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".crc")).count();
    }
  }
}
