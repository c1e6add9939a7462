package dev.p2g.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FieldCodecs;
import dev.p2g.io.Device;
import dev.p2g.io.HadoopFiles;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.DeviceUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * --device cuda where the task's GPU cannot run the model: the encode task fails (and so, after
 * Spark's retries, the job), instead of succeeding with an error row for every image.
 */
class EncodeDeviceRefusalTest {
  @Test
  void cudaWithoutAUsableGpuFailsTheTaskNotEachImage() throws Exception {
    Assumptions.assumeTrue(OnnxSessions.cudaProblem(0).isPresent(), "CUDA works here: nothing to refuse");
    SparkSession spark = SparkSession.builder().master("local[1]").appName("p2g-udf-tests")
        .config("spark.ui.enabled", "false").getOrCreate();
    Path model = Path.of("../sample-data/model/default.onnx");
    EncodeSettings settings = new EncodeSettings(
        new ModelRef(model.toString(), HadoopFiles.sha256Hex(Files.readAllBytes(model)), Device.CPU, 1),
        ImageDecoder.DEFAULT_MAX_PIXELS, 1L << 30, AlphaPolicy.DEFAULT, FieldCodecs.byName(FieldCodecs.DEFAULT),
        DevicePolicy.CUDA, 512, 0, new Timestamp(0), null);
    StageAccumulators counters = StageAccumulators.unregistered();
    EncodePartition partition = new EncodePartition(settings, JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration())), counters);
    Path image = Path.of("../sample-data/images/test-card.png").toAbsolutePath();
    Row row = new GenericRowWithSchema(new Object[] {image.toUri().toString(), "test-card.png",
        Files.size(image), 0L, null, null, null, null}, EncodePartition.INPUT);
    Iterator<Row> out = partition.call(List.of(row, row).iterator());
    DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, out::hasNext);
    assertTrue(e.getMessage().startsWith("--device cuda: "), e.getMessage());
    assertEquals(0, counters.failed().value(), "no image is blamed for the device");
  }
}
