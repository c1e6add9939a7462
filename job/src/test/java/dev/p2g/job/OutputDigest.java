package dev.p2g.job;

import dev.p2g.io.HadoopFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Prints what a run wrote under an output root as sorted text lines, so that two runs' outputs can
 * be diffed: every fields/ and manifest/ column but the run times and timings (parameter planes
 * as their hash, paths relative to the root), and every pyramid and report-free file's hash.
 *   bin/bench dev.p2g.job.OutputDigest out/sample > digest.txt
 */
public final class OutputDigest {
  /** Columns that differ between equal runs: when and how fast, not what. */
  private static final Set<String> LEFT_OUT = Set.of("encoded_at", "rendered_at", "render_ms", "encode_device",
      "device");

  private OutputDigest() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]).toAbsolutePath();
    SparkSession spark = SparkSession.builder().master("local[1]").appName("p2g-digest")
        .config("spark.ui.enabled", "false").getOrCreate();
    List<String> lines = new ArrayList<>();
    String root = out.toUri().getPath();
    for (String table : List.of("fields", "manifest")) {
      if (!Files.isDirectory(out.resolve(table))) {
        continue;
      }
      var rows = spark.read().parquet(out.resolve(table).toString());
      for (Row r : rows.collectAsList()) {
        StringBuilder line = new StringBuilder(table);
        for (StructField f : rows.schema().fields()) {
          if (LEFT_OUT.contains(f.name())) {
            continue;
          }
          Object v = r.get(r.fieldIndex(f.name()));
          String text = v instanceof byte[] b ? HexFormat.of().formatHex(HadoopFiles.sha256().digest(b))
              : String.valueOf(v).replace("file:" + root, "").replace(root, "");
          line.append(' ').append(f.name()).append('=').append(text);
        }
        lines.add(line.toString());
      }
    }
    try (Stream<Path> files = Files.walk(out.resolve("pyramid"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        lines.add("pyramid " + out.relativize(f) + " " + HexFormat.of().formatHex(
            HadoopFiles.sha256().digest(Files.readAllBytes(f))));
      }
    }
    lines.sort(null);
    lines.forEach(System.out::println);
    spark.stop();
  }
}
