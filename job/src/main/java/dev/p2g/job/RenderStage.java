package dev.p2g.job;

import static org.apache.spark.sql.functions.col;

import dev.p2g.io.OutputLayout;
import dev.p2g.render.Scale;
import dev.p2g.spark.ErrorRecord;
import dev.p2g.spark.FieldTable;
import dev.p2g.spark.ManifestTable;
import dev.p2g.spark.RenderPartition;
import dev.p2g.spark.RenderSettings;
import dev.p2g.spark.SerializableHadoopConf;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;

/** Stage 2 on the driver: renders stored fields at every scale into pyramid/ and manifest/. */
final class RenderStage {
  record Result(long fields, Map<String, Long> imagesPerLevel, List<ErrorRecord> errors) {}

  private RenderStage() {}

  static Result run(SparkSession spark, String fieldsUri, RenderSettings settings,
      Broadcast<SerializableHadoopConf> conf) throws SystemicException {
    Dataset<Row> fields = readFields(spark, fieldsUri);
    long fieldCount = fields.count();
    OutputLayout layout = settings.layout();
    clearLevels(layout.manifest(), settings.scales(), conf.value().get());
    CollectionAccumulator<ErrorRecord> errors = spark.sparkContext().collectionAccumulator("p2g render errors");
    spark.sparkContext().setJobDescription("p2g render: " + fieldCount + " fields at " + settings.scales());
    GpuStages.mapPartitions(spark, fields, new RenderPartition(settings, conf, errors), ManifestTable.SCHEMA,
            GpuStages.profile(spark.sparkContext().getConf(), settings.device()))
        .write().mode(SaveMode.Append).partitionBy(ManifestTable.LEVEL).parquet(layout.manifest());
    spark.sparkContext().setJobDescription(null);

    Map<String, Long> perLevel = new LinkedHashMap<>();
    Dataset<Row> manifest = spark.read().schema(ManifestTable.SCHEMA).parquet(layout.manifest());
    for (Scale s : settings.scales()) {
      perLevel.put(s.level(), manifest.filter(col(ManifestTable.LEVEL).equalTo(s.level())).count());
    }
    return new Result(fieldCount, perLevel, List.copyOf(errors.value()));
  }

  static Dataset<Row> readFields(SparkSession spark, String fieldsUri) throws SystemicException {
    Dataset<Row> fields;
    try {
      fields = spark.read().parquet(fieldsUri);
    } catch (Exception e) { // AnalysisException for a missing path or no Parquet files
      throw new SystemicException("cannot read fields from " + fieldsUri + ": " + firstLine(e), e);
    }
    for (String column : FieldTable.SCHEMA.fieldNames()) {
      if (!List.of(fields.columns()).contains(column)) {
        throw new SystemicException(fieldsUri + " is not a fields table: it has no column '" + column + "'");
      }
    }
    return fields;
  }

  /** A level being rendered again replaces its manifest rows; other levels stay. */
  private static void clearLevels(String manifestUri, List<Scale> scales, Configuration conf)
      throws SystemicException {
    try {
      for (Scale s : scales) {
        Path dir = new Path(manifestUri, ManifestTable.LEVEL + "=" + s.level());
        dir.getFileSystem(conf).delete(dir, true);
      }
    } catch (IOException e) {
      throw new SystemicException("cannot clear old manifest rows under " + manifestUri + ": " + e.getMessage(), e);
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

}
