package dev.p2g.job;

import dev.p2g.job.FaultProxy.Counts;
import dev.p2g.job.FaultProxy.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/**
 * The S3 requests each stage sends, counted at the server (FaultProxy in front of S3Proxy, no
 * faults): encode, render into the files layout and into WebDataset shards, each first and
 * again with nothing to do, at two input sizes; per image is the slope between the two sizes,
 * per run what is left at zero images. The analytic model: the requests do not depend on the
 * model. The input is copies of the samples under new names, all on s3a://.
 *   bin/bench dev.p2g.job.S3RequestBenchmark [small copies, default 2] [large copies, default 8]
 */
public final class S3RequestBenchmark {
  /** bin/bench runs in the repository's root. */
  private static final java.nio.file.Path SAMPLES = java.nio.file.Path.of("sample-data/images");
  private static final String MODEL = java.nio.file.Path.of("udf/src/test/resources/models/analytic-v1.onnx")
      .toAbsolutePath().toUri().toString();

  private S3RequestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int small = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int large = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    SparkSession spark = SqlRenderBenchmark.session("p2g-s3requests");
    try (S3Store s3 = S3Store.start("p2g-requests"); FaultProxy proxy = FaultProxy.start(s3.port())) {
      FileSystem fs = s3.fs();
      Map<String, Map<Kind, Counts>> smallCounts = stages(s3, proxy, fs, small);
      Map<String, Map<Kind, Counts>> largeCounts = stages(s3, proxy, fs, large);
      long nSmall = images(small);
      long nLarge = images(large);
      System.out.printf("S3 requests counted at the server, %d and %d images (the samples copied), local[2],"
          + " analytic model, default --commit-every and --shard-size%n", nSmall, nLarge);
      System.out.print("| stage | per |");
      for (Kind k : Kind.values()) {
        System.out.print(" " + k + " |");
      }
      System.out.println(" all |");
      System.out.println("|---|---|" + "---:|".repeat(Kind.values().length + 1));
      for (String stage : smallCounts.keySet()) {
        double[] perImage = new double[Kind.values().length + 1];
        double[] perRun = new double[Kind.values().length + 1];
        for (Kind k : Kind.values()) {
          long a = smallCounts.get(stage).get(k).requests();
          long b = largeCounts.get(stage).get(k).requests();
          perImage[k.ordinal()] = (double) (b - a) / (nLarge - nSmall);
          perRun[k.ordinal()] = a - perImage[k.ordinal()] * nSmall;
          perImage[perImage.length - 1] += perImage[k.ordinal()];
          perRun[perRun.length - 1] += perRun[k.ordinal()];
        }
        row(stage, "image", perImage);
        row(stage, "run", perRun);
      }
    } finally {
      spark.stop();
    }
  }

  private static void row(String stage, String per, double[] values) {
    StringBuilder b = new StringBuilder("| " + stage + " | " + per + " |");
    for (double v : values) {
      b.append(String.format(" %.2f |", v));
    }
    System.out.println(b);
  }

  private static long images(int copies) throws java.io.IOException {
    try (var s = java.nio.file.Files.walk(SAMPLES)) {
      return copies * s.filter(java.nio.file.Files::isRegularFile).count();
    }
  }

  /** Every stage's counts on copies of the samples, in its own folders. */
  private static Map<String, Map<Kind, Counts>> stages(S3Store s3, FaultProxy proxy, FileSystem fs, int copies)
      throws Exception {
    String in = "/in" + copies;
    for (int c = 0; c < copies; c++) {
      StoreFiles.uploadTree(fs, SAMPLES, s3.uri(in + "/copy" + c));
    }
    String fields = s3.uri("/out" + copies + "/fields");
    Map<String, Map<Kind, Counts>> counts = new LinkedHashMap<>();
    for (String pass : List.of("first", "again")) {
      counts.put("encode, " + pass, count(proxy, s3, "encode", "--input", s3.uri(in), "--fields", fields));
      for (String layout : List.of("files", "webdataset")) {
        counts.put("render " + layout + ", " + pass, count(proxy, s3, "render", "--fields", fields, "--output",
            s3.uri("/out" + copies + "/" + layout), "--scales", "2", "--pyramid-layout", layout));
      }
    }
    return counts;
  }

  private static Map<Kind, Counts> count(FaultProxy proxy, S3Store s3, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of("--progress-every", "0", "--device", "cpu"));
    args.addAll(command[0].equals("render") ? List.of("--report", "off") : List.of("--model", MODEL));
    args.addAll(s3.conf(proxy.endpoint()));
    proxy.resetCounts();
    SqlRenderBenchmark.quiet(args.toArray(String[]::new));
    return proxy.counts();
  }
}
