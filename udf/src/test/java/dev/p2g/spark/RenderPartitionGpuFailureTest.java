package dev.p2g.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.p2g.field.F32Codec;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import dev.p2g.io.OutputLayout;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.GpuUnusableException;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.RandomFields;
import dev.p2g.render.Renderer;
import dev.p2g.render.Scale;
import dev.p2g.tables.FieldRow;
import dev.p2g.tables.FieldTable;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU lost to a sticky CUDA error fails the render task; any other renderer failure stays the
 * failing fields' error rows, and the task goes on.
 */
class RenderPartitionGpuFailureTest {
  private static final StructType SCHEMA = FieldTable.SCHEMA.add(RenderPartition.DONE,
      DataTypes.createArrayType(DataTypes.StringType), true);
  private static final List<Scale> SCALES = List.of(Scale.of(2), Scale.of(0.5));

  @TempDir
  Path out;

  @Test
  void aStickyCudaErrorFailsTheTaskInsteadOfFailingEveryField() {
    StageAccumulators counters = counters();
    RenderPartition partition = partition(counters);
    GpuUnusableException lost = new GpuUnusableException("cuda:0", new RuntimeException("CUDA_ERROR_ILLEGAL_ADDRESS"));
    assertThrows(GpuUnusableException.class,
        () -> partition.renderBatch(failing(() -> lost), writer(counters), rows(3)));
    assertEquals(0, counters.failed().value(), "no field is blamed for the GPU");
  }

  @Test
  void anyOtherRendererFailureIsEachFieldsErrorRow() {
    StageAccumulators counters = counters();
    List<Row> written = partition(counters).renderBatch(
        failing(() -> new IllegalStateException("out of memory")), writer(counters), rows(3));
    assertEquals(0, written.size());
    assertEquals(3L * SCALES.size(), counters.failed().value());
  }

  private RenderPartition partition(StageAccumulators counters) {
    return new RenderPartition(settings(), null, counters);
  }

  private LevelWriter writer(StageAccumulators counters) {
    return new LevelWriter(settings(), new Configuration(), Device.cuda(0), counters);
  }

  private RenderSettings settings() {
    return new RenderSettings(SCALES, OutputFormat.PNG, new OutputLayout(out.toString()), DevicePolicy.CUDA, 0,
        new Timestamp(0));
  }

  private static StageAccumulators counters() {
    return StageAccumulators.unregistered();
  }

  private static List<Row> rows(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GaussianField field = RandomFields.random(6, 5, 1, i);
      FieldRecord r = new FieldRecord("img" + i + ".png", "file:/img" + i + ".png", "sha" + i, "model", 6, 5, 0, 0,
          6, 5, 1, F32Codec.NAME, "none", null, field.reach(), new F32Codec().encode(field));
      Row base = FieldTable.toRow(new FieldRow(r, null, new Timestamp(0), Device.CPU, null));
      Object[] values = new Object[SCHEMA.size()];
      for (int c = 0; c < base.size(); c++) {
        values[c] = base.get(c);
      }
      rows.add(new GenericRowWithSchema(values, SCHEMA));
    }
    return rows;
  }

  private static Renderer failing(Supplier<RuntimeException> failure) {
    return new Renderer() {
      @Override
      public FloatImage render(GaussianField field, Scale scale) {
        throw failure.get();
      }

      @Override
      public Device device() {
        return Device.cuda(0);
      }
    };
  }
}
