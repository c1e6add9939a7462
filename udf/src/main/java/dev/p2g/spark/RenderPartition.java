package dev.p2g.spark;

import dev.p2g.field.FieldRecord;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.HadoopFiles;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.Renderer;
import dev.p2g.render.Scale;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Stage 2 as Spark calls it: fields/ rows in, one manifest row out per image and scale written
 * to pyramid/. A field or scale that fails becomes an errors/ row; the others still render.
 */
public final class RenderPartition implements MapPartitionsFunction<Row, Row> {
  private static final double NANOS_PER_MS = 1e6;

  private final RenderSettings settings;
  private final Broadcast<SerializableHadoopConf> conf;
  private final CollectionAccumulator<ErrorRecord> errors;

  public RenderPartition(RenderSettings settings, Broadcast<SerializableHadoopConf> conf,
      CollectionAccumulator<ErrorRecord> errors) {
    this.settings = settings;
    this.conf = conf;
    this.errors = errors;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    Configuration hadoop = conf.value().get();
    Renderer renderer = TaskRenderers.open(settings.device());
    return new LazyFlatMap<>(input, row -> renderOne(renderer, hadoop, row));
  }

  private List<Row> renderOne(Renderer renderer, Configuration hadoop, Row row) {
    FieldRecord record;
    GaussianField field;
    try {
      record = FieldTable.fromRow(row);
      field = record.decodeField();
    } catch (RuntimeException e) {
      String key = row.getString(row.fieldIndex("key"));
      for (Scale s : settings.scales()) {
        errors.add(new ErrorRecord(key, null, ErrorRecord.RENDER, s.level(), "render.field",
            "unreadable field row: " + e.getMessage()));
      }
      return List.of();
    }
    List<Row> out = new ArrayList<>(settings.scales().size());
    for (Scale scale : settings.scales()) {
      try {
        out.add(renderLevel(renderer, hadoop, record, field, scale));
      } catch (IOException e) {
        errors.add(new ErrorRecord(record.key(), record.sourceUri(), ErrorRecord.RENDER, scale.level(),
            "render.write", "cannot write the rendered image: " + e));
      } catch (RuntimeException e) {
        errors.add(new ErrorRecord(record.key(), record.sourceUri(), ErrorRecord.RENDER, scale.level(),
            "internal." + e.getClass().getSimpleName(), String.valueOf(e.getMessage())));
      }
    }
    return out;
  }

  private Row renderLevel(Renderer renderer, Configuration hadoop, FieldRecord record, GaussianField field,
      Scale scale) throws IOException {
    long start = System.nanoTime();
    FloatImage image = renderer.render(field, scale);
    double renderMs = (System.nanoTime() - start) / NANOS_PER_MS;
    byte[] bytes = ImageEncoding.encode(image, settings.format());
    String path = settings.layout().pyramidFile(scale.level(), record.key(), settings.format().extension());
    HadoopFiles.write(path, bytes, hadoop);
    return ManifestTable.row(record.key(), scale.canonical(), scale.x(), scale.y(), path, image.width(),
        image.height(), settings.format().extension(), bytes.length, renderMs, renderer.device(),
        record.sourceSha256(), record.modelId(), scale.level());
  }
}
