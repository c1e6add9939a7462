package dev.p2g.job.run;

import dev.p2g.job.common.SparkOrder;
import dev.p2g.job.tables.DriverTable;
import dev.p2g.pyramid.PyramidLayout;
import dev.p2g.render.Scale;
import dev.p2g.spark.RenderSettings;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * RenderStage's plan of a small table, on the driver, over fields/ and manifest/ rows it read
 * itself (DriverTable): the same per-file counts as RenderPlan.of's query, in Java, so that a
 * re-run of a handful of images runs no Spark query to learn that they are rendered. The tests
 * hold the two to the same answers.
 */
final class DriverRenderPlan {
  /** What the plan reads of fields/ and of manifest/ (level from the level=... folders). */
  static final StructType FIELD_COLUMNS = DriverTable.columns(FieldTable.SCHEMA, "key", "source_sha256", "model_id",
      "width", "height", "tile_width", "tile_height");
  static final StructType MANIFEST_COLUMNS = DriverTable.columns(ManifestTable.SCHEMA, "key", "source_sha256",
      "model_id", "format", ManifestTable.MEMBER, ManifestTable.ROW_INDEX, ManifestTable.LEVEL);

  private DriverRenderPlan() {}

  /** Per-file counts, as RenderPlan.of aggregates them. */
  private static final class FileCounts {
    long rows;
    long complete;
    long touched;
    long tiles;
    long replacing;
  }

  static RenderPlan plan(List<Row> fields, List<Row> manifest, RenderSettings settings) {
    List<String> levels = settings.scales().stream().map(Scale::level).toList();
    String format = settings.format().extension();
    Map<String, Set<String>> done = new HashMap<>(); // (key, source, model) -> levels in this format and layout
    Map<String, Set<String>> present = new HashMap<>(); // key -> levels in any form
    for (Row m : manifest) {
      String level = m.getAs(ManifestTable.LEVEL);
      if (!levels.contains(level)) {
        continue;
      }
      present.computeIfAbsent(m.getAs("key"), k -> new HashSet<>()).add(level);
      if (format.equals(m.getAs("format")) && settings.pyramid() == PyramidLayout.ofRow(m.getAs(ManifestTable.MEMBER),
          m.getAs(ManifestTable.ROW_INDEX))) {
        done.computeIfAbsent(field(m), k -> new HashSet<>()).add(level);
      }
    }
    Map<String, FileCounts> files = new TreeMap<>(SparkOrder.STRINGS);
    boolean tiledWork = false;
    Set<String> tiledImages = new HashSet<>();
    for (Row f : fields) {
      FileCounts c = files.computeIfAbsent(f.getAs(DriverTable.FILE), k -> new FileCounts());
      boolean whole = f.<Integer>getAs("tile_width").equals(f.getAs("width"))
          && f.<Integer>getAs("tile_height").equals(f.getAs("height"));
      if (!whole) { // a tile: its image needs render's tiled path unless all its levels are done
        c.tiles++;
        tiledImages.add(field(f));
        Set<String> imageDone = done.get(field(f));
        tiledWork |= imageDone == null || imageDone.size() < levels.size();
        continue;
      }
      Set<String> fieldDone = done.get(field(f));
      c.rows++;
      if (fieldDone != null) {
        c.touched++;
        c.complete += fieldDone.size() >= levels.size() ? 1 : 0;
      }
      Set<String> replaced = new HashSet<>(present.getOrDefault(f.<String>getAs("key"), Set.of()));
      if (fieldDone != null) {
        replaced.removeAll(fieldDone);
      }
      c.replacing += replaced.isEmpty() ? 0 : 1;
    }
    List<RenderPlan.FieldsFile> todo = new ArrayList<>();
    long wholeFields = 0;
    long tileRows = 0;
    boolean replaces = false;
    for (Map.Entry<String, FileCounts> e : files.entrySet()) {
      FileCounts c = e.getValue();
      wholeFields += c.rows;
      tileRows += c.tiles;
      replaces |= c.replacing > 0;
      if (c.complete < c.rows) {
        todo.add(new RenderPlan.FieldsFile(e.getKey(), c.rows, c.touched > 0));
      }
    }
    return new RenderPlan(todo, wholeFields, tileRows, replaces, tiledWork,
        tiledWork ? 0 : tiledImages.size());
  }

  private static String field(Row r) {
    return r.getAs("key") + "\u0000" + r.getAs("source_sha256") + "\u0000" + r.getAs("model_id");
  }
}
