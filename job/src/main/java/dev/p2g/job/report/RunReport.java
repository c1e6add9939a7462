package dev.p2g.job.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.p2g.io.HadoopFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * report/summary.json and report/index.html under the output root: what the run made and what
 * failed, read back from the manifest (so the numbers are what is on disk, not what was meant),
 * and a contact sheet of a few images beside Lanczos3 and bicubic resizes of their sources.
 */
public final class RunReport {
  public static final String FOLDER = "report";
  /** Images on the contact sheet: enough to judge, few enough for a page of a few MB. */
  static final int SAMPLES = 4;

  private RunReport() {}

  /** Writes both files; returns the page's URI. */
  public static String write(SparkSession spark, RunFacts facts, Configuration hadoop) throws IOException {
    String root = facts.output.replaceAll("/+$", "") + "/" + FOLDER;
    Map<String, Object> summary = summary(spark, facts, hadoop);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    HadoopFiles.write(root + "/summary.json", json.writeValueAsBytes(summary), hadoop);
    List<ContactSheet.Sample> samples = ContactSheet.samples(spark, facts, hadoop, SAMPLES);
    String page = ReportPage.html(facts, summary, samples);
    HadoopFiles.write(root + "/index.html", page.getBytes(StandardCharsets.UTF_8), hadoop);
    return root + "/index.html";
  }

  static Map<String, Object> summary(SparkSession spark, RunFacts f, Configuration hadoop) throws IOException {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("command", f.command);
    s.put("started_at", f.started.toInstant().toString());
    s.put("wall_seconds", round(f.wallSeconds));
    s.put("output", f.output);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("id", f.modelId);
    model.put("name", f.modelName);
    model.put("k", f.modelK);
    s.put("model", model);
    s.put("codec", f.codec);
    s.put("format", f.format);
    s.put("device_requested", f.requestedDevice);
    if (f.listedImages >= 0) {
      s.put("images_listed", f.listedImages);
    }
    if (!f.encode.isEmpty()) {
      s.put("encode", f.encode);
    }
    s.put("render", f.render);
    Map<String, Object> levels = levels(spark, f, hadoop);
    s.put("levels", levels);
    List<String> devices = new ArrayList<>();
    for (Object level : levels.values()) {
      for (Object d : (List<?>) ((Map<?, ?>) level).get("devices")) {
        if (!devices.contains(d.toString())) {
          devices.add(d.toString());
        }
      }
    }
    s.put("devices_used", devices);
    s.put("errors_by_class", new TreeMap<>(f.errorsByClass));
    Map<String, Object> bytes = new LinkedHashMap<>();
    bytes.put("fields", length(f.fields, hadoop));
    long pyramid = 0;
    for (Object level : levels.values()) {
      pyramid += (Long) ((Map<?, ?>) level).get("bytes");
    }
    bytes.put("pyramid", pyramid);
    s.put("bytes_stored", bytes);
    return s;
  }

  /** Per level, from the manifest: images, bytes, devices, and how many this run wrote. */
  private static Map<String, Object> levels(SparkSession spark, RunFacts f, Configuration hadoop)
      throws IOException {
    Map<String, LevelCounts> counts = f.levelCounts != null ? f.levelCounts : LevelCounts.of(spark,
        f.output.replaceAll("/+$", "") + "/" + dev.p2g.io.OutputLayout.MANIFEST, f.levels, f.started, hadoop);
    Map<String, Object> out = new LinkedHashMap<>();
    for (String level : f.levels) {
      LevelCounts c = counts.getOrDefault(level, LevelCounts.NONE);
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("images", c.images());
      l.put("written_this_run", c.writtenThisRun());
      l.put("bytes", c.bytes());
      l.put("devices", c.devices());
      l.put("failed_this_run", f.failedPerLevel.getOrDefault(level, 0L));
      out.put(level, l);
    }
    return out;
  }

  static boolean exists(String uri, Configuration hadoop) throws IOException {
    Path p = new Path(uri);
    return p.getFileSystem(hadoop).exists(p);
  }

  private static long length(String uri, Configuration hadoop) throws IOException {
    if (uri == null || !exists(uri, hadoop)) {
      return 0;
    }
    Path p = new Path(uri);
    return dataBytes(p.getFileSystem(hadoop), p);
  }

  /**
   * The data files only: not checksums, _SUCCESS markers or the compaction journal. Walked with
   * plain statuses: a located one loads its permissions, which on a local disk runs a process each.
   */
  private static long dataBytes(FileSystem fs, Path dir) throws IOException {
    long total = 0;
    for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      total += s.isDirectory() ? dataBytes(fs, s.getPath()) : s.getLen();
    }
    return total;
  }

  public static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
