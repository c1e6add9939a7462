package dev.p2g.job.report;

import dev.p2g.io.HadoopFiles;
import dev.p2g.io.OutputLayout;
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
  /** Images on the contact sheet: enough to judge, few enough for a page of a few MB. */
  static final int SAMPLES = 4;

  private RunReport() {}

  /** Writes both files; returns the page's URI. */
  public static String write(SparkSession spark, RunFacts facts, Configuration hadoop) throws IOException {
    String root = new OutputLayout(facts.output).report();
    RunSummary summary = summary(spark, facts, hadoop);
    HadoopFiles.write(root + "/summary.json", summary.toJson(), hadoop);
    List<ContactSheet.Sample> samples = ContactSheet.samples(spark, facts, hadoop, SAMPLES);
    String page = ReportPage.html(facts, summary, samples);
    HadoopFiles.write(root + "/index.html", page.getBytes(StandardCharsets.UTF_8), hadoop);
    return root + "/index.html";
  }

  static RunSummary summary(SparkSession spark, RunFacts f, Configuration hadoop) throws IOException {
    Map<String, RunSummary.Level> levels = levels(spark, f, hadoop);
    List<String> devices = new ArrayList<>();
    long pyramid = 0;
    for (RunSummary.Level level : levels.values()) {
      level.devices().stream().filter(d -> !devices.contains(d)).forEach(devices::add);
      pyramid += level.bytes();
    }
    return new RunSummary(f.command, f.started.toInstant().toString(), RunSummary.round(f.wallSeconds), f.output,
        new RunSummary.Model(f.modelId, f.modelName, f.modelK), f.codec, f.format, f.requestedDevice,
        f.listedImages >= 0 ? f.listedImages : null, f.encode, f.render, levels, devices,
        new TreeMap<>(f.errorsByClass), new RunSummary.BytesStored(length(f.fields, hadoop), pyramid));
  }

  /** Per level, from the manifest: images, bytes, devices, and how many this run wrote. */
  private static Map<String, RunSummary.Level> levels(SparkSession spark, RunFacts f, Configuration hadoop)
      throws IOException {
    Map<String, LevelCounts> counts = f.levelCounts != null ? f.levelCounts : LevelCounts.of(spark,
        new OutputLayout(f.output).manifest(), f.levels, f.started, hadoop);
    Map<String, RunSummary.Level> out = new LinkedHashMap<>();
    for (String level : f.levels) {
      LevelCounts c = counts.getOrDefault(level, LevelCounts.NONE);
      out.put(level, new RunSummary.Level(c.images(), c.writtenThisRun(), c.bytes(), List.copyOf(c.devices()),
          f.failedPerLevel.getOrDefault(level, 0L)));
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
}
