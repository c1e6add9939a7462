package dev.p2g.job.run;

import dev.p2g.job.cli.JobConfig;
import dev.p2g.job.common.SystemicException;
import dev.p2g.job.report.RunFacts;
import dev.p2g.job.report.RunReport;
import dev.p2g.job.tables.Fields;
import dev.p2g.render.Scale;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** The run's side of its report: the facts a command starts with, and writing the report at the end. */
final class RunReportStep {
  private RunReportStep() {}

  static RunFacts facts(JobConfig config, Timestamp started) {
    RunFacts facts = new RunFacts();
    facts.command = config.command().name().toLowerCase(Locale.ROOT);
    facts.started = started;
    facts.output = config.output();
    facts.fields = config.fields();
    facts.requestedDevice = config.device().cliName();
    facts.format = config.format().extension();
    facts.levels = config.scales().stream().map(Scale::level).toList();
    return facts;
  }

  /** The report is about outputs already committed: failing to write it is a warning, not a failed run. */
  static void write(SparkSession spark, RunFacts facts, JobConfig config, PrintStream out) {
    try {
      if (facts.modelId == null) { // render alone: the model and codec are those of the stored fields
        facts.modelId = Fields.distinct(spark, config.fields(), "model_id");
        facts.codec = Fields.distinct(spark, config.fields(), "codec");
      }
      out.printf("p2g: report %s%n", RunReport.write(spark, facts, spark.sparkContext().hadoopConfiguration()));
    } catch (Exception e) { // Spark's AnalysisException is checked, and thrown undeclared
      out.printf("p2g: warning: the report could not be written: %s%n", SystemicException.rootMessage(e));
    }
  }
}
