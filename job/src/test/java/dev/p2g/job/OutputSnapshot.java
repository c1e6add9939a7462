package dev.p2g.job;

import dev.p2g.io.HadoopFiles;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.ManifestTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a run leaves under an output root, as comparable values: fields by key (source hash,
 * model and parameter bytes), manifest rows by key and level, pyramid files by their bytes' hash,
 * and error rows. Timings, devices and run times are left out: they differ between equal runs.
 */
record OutputSnapshot(Map<String, String> fields, Map<String, String> manifest, Map<String, String> pyramid,
    Map<String, String> errors, int fieldRows, int manifestRows) {

  static OutputSnapshot of(Path out) throws IOException {
    SparkSession spark = SparkTestSession.get();
    Map<String, String> fields = new TreeMap<>();
    List<Row> fieldRows = Files.isDirectory(out.resolve("fields"))
        ? spark.read().parquet(out.resolve("fields").toString()).collectAsList() : List.of();
    for (Row r : fieldRows) {
      fields.put(r.getString(r.fieldIndex("key")), r.getString(r.fieldIndex("source_sha256")) + " "
          + r.getString(r.fieldIndex("model_id")) + " "
          + HadoopFiles.sha256Hex((byte[]) r.get(r.fieldIndex("params"))));
    }
    Map<String, String> manifest = new TreeMap<>();
    List<Row> manifestRows = Files.isDirectory(out.resolve("manifest"))
        ? spark.read().schema(ManifestTable.SCHEMA).parquet(out.resolve("manifest").toString()).collectAsList()
        : List.of();
    String root = out.toUri().getPath();
    for (Row r : manifestRows) {
      String path = new org.apache.hadoop.fs.Path(r.getString(r.fieldIndex("path"))).toUri().getPath();
      manifest.put(r.getString(r.fieldIndex("key")) + " " + r.getString(r.fieldIndex(ManifestTable.LEVEL)),
          path.substring(root.length()) + " " + r.getInt(r.fieldIndex("width")) + "x" + r.getInt(r.fieldIndex("height"))
          + " " + r.getString(r.fieldIndex("format")) + " " + r.getLong(r.fieldIndex("bytes")) + " "
          + r.getString(r.fieldIndex("source_sha256")));
    }
    Map<String, String> pyramid = new TreeMap<>();
    Path pyramidDir = out.resolve("pyramid");
    if (Files.isDirectory(pyramidDir)) {
      try (Stream<Path> files = Files.walk(pyramidDir)) {
        for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
            .toList()) {
          pyramid.put(pyramidDir.relativize(f).toString(), HexFormat.of().formatHex(
              HadoopFiles.sha256().digest(Files.readAllBytes(f))));
        }
      }
    }
    Map<String, String> errors = new TreeMap<>();
    if (Files.isDirectory(out.resolve("errors"))) {
      for (Row r : spark.read().schema(ErrorRecord.SCHEMA).parquet(out.resolve("errors").toString())
          .collectAsList()) {
        errors.put(r.getString(r.fieldIndex("key")) + " " + r.getString(r.fieldIndex(ErrorRecord.STAGE)) + " "
            + r.getString(r.fieldIndex("level")), r.getString(r.fieldIndex("error_class")));
      }
    }
    return new OutputSnapshot(fields, manifest, pyramid, errors, fieldRows.size(), manifestRows.size());
  }
}
