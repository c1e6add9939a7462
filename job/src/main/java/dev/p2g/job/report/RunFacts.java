package dev.p2g.job.report;

import dev.p2g.job.tables.ErrorLog;
import dev.p2g.tables.ErrorRecord;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

/**
 * What the driver learnt during a run, for its report: filled in as the stages finish.
 */
public final class RunFacts {
  public static final int EXAMPLES_PER_CLASS = ErrorLog.EXAMPLES_PER_CLASS;

  public String command;
  public Timestamp started;
  public String output;
  public String fields;
  public String requestedDevice;
  public String codec;
  public String modelId;
  public String modelName;
  public Integer modelK;
  public String format;
  public List<String> levels = List.of();
  public long listedImages = -1;
  /** Each stage's numbers; null for a stage the command does not run. */
  public RunSummary.Stage encode;
  public RunSummary.Stage render;
  /** This run's errors/ rows, summed up by Spark: per class, per level, and a few examples of each class. */
  public Map<String, Long> errorsByClass = Map.of();
  public Map<String, Long> failedPerLevel = Map.of();
  public List<ErrorRecord> errorExamples = List.of();
  /** The manifest per level, as render read it at its end; null: the report reads it. */
  public Map<String, LevelCounts> levelCounts;
  public double wallSeconds;

  public void model(String id, String name, int k, String codecName) {
    modelId = id;
    modelName = name;
    modelK = k;
    codec = codecName;
  }

  public void errors(Map<String, Long> byClass, Map<String, Long> byLevel, List<ErrorRecord> examples) {
    errorsByClass = byClass;
    failedPerLevel = byLevel;
    errorExamples = examples;
  }
}
