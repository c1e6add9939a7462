package dev.p2g.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.io.Device;
import dev.p2g.io.OutputLayout;
import dev.p2g.pyramid.PyramidLayout;
import dev.p2g.pyramid.WebDatasetNames;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.GpuUnusableException;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import dev.p2g.tables.ManifestTable;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LevelWriter in the webdataset layout: an image whose rendering fails mid-stream gets its
 * errors/ row and leaves nothing in the shard, the images around it are all there; a lost GPU
 * still fails the task; shards roll at the shard size and leave _tmp/ empty when finished.
 */
class LevelWriterShardTest {
  private static final Scale SCALE = Scale.of(2);

  @TempDir
  Path out;

  @Test
  void aFailedImageIsItsErrorRowAndTheShardsHoldEveryOtherImage() throws Exception {
    StageAccumulators counters = StageAccumulators.unregistered();
    RenderSettings settings = new RenderSettings(List.of(SCALE), OutputFormat.PNG, new OutputLayout(out.toString()),
        DevicePolicy.CPU, 0, new Timestamp(0), PyramidLayout.WEBDATASET, 2);
    LevelWriter writer = new LevelWriter(settings, new Configuration(), Device.CPU, counters);
    List<Row> rows = new ArrayList<>();
    rows.add(writer.writeImage(image("whole.one.png"), SCALE, new BufferedImage(4, 3, BufferedImage.TYPE_3BYTE_BGR),
        1));
    assertNull(writer.writeRows(image("broken.png"), SCALE, 5, 4, sink -> {
      sink.row(new byte[15]);
      throw new IllegalStateException("a tile went missing");
    }));
    rows.add(writer.writeRows(image("dir.d/streamed.png"), SCALE, 5, 4, sink -> {
      for (int y = 0; y < 4; y++) {
        sink.row(new byte[15]);
      }
    }));
    assertThrows(GpuUnusableException.class, () -> writer.writeRows(image("gpu.png"), SCALE, 5, 4, sink -> {
      throw new GpuUnusableException("cuda:0", new RuntimeException("CUDA_ERROR_ILLEGAL_ADDRESS"));
    }));
    rows.add(writer.writeImage(image("third.png"), SCALE, new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR), 1));
    writer.finish();

    assertEquals(1, counters.failed().value());
    assertEquals("render.tiles", counters.errors().value().get(0).errorClass());
    assertEquals("broken.png", counters.errors().value().get(0).key());
    Path level = out.resolve("pyramid/x2");
    try (Stream<Path> temp = Files.list(level.resolve("_tmp"))) {
      assertEquals(0, temp.count(), "every shard finished");
    }
    List<Path> tars;
    try (Stream<Path> all = Files.list(level)) {
      tars = all.filter(p -> p.toString().endsWith(".tar")).sorted().toList();
    }
    assertEquals(2, tars.size(), "three images in shards of two");
    List<String> command = new ArrayList<>(List.of("python3", "-c", String.join("\n",
        "import sys, tarfile",
        "for path in sys.argv[1:]:",
        "    with tarfile.open(path, 'r:') as t:",
        "        for m in t:",
        "            print(path.rsplit('/', 1)[1] + '/' + m.name)")));
    tars.forEach(t -> command.add(t.toString()));
    Process p = new ProcessBuilder(command).start();
    String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    List<String> expected = new ArrayList<>();
    for (Row r : rows) {
      String shard = new org.apache.hadoop.fs.Path(r.getString(ManifestTable.SCHEMA.fieldIndex("path"))).getName();
      String member = r.getString(ManifestTable.SCHEMA.fieldIndex(ManifestTable.MEMBER));
      assertEquals(WebDatasetNames.member(r.getString(ManifestTable.SCHEMA.fieldIndex("key")), "png"), member);
      expected.add(shard + "/" + member);
      expected.add(shard + "/" + member.substring(0, member.length() - "png".length()) + "json");
    }
    assertEquals(expected, listing.lines().toList(), "the written images, in order, and nothing of the failed ones");
    assertTrue(rows.stream().allMatch(r -> r.isNullAt(ManifestTable.SCHEMA.fieldIndex(ManifestTable.ROW_INDEX))));
  }

  private static LevelWriter.Image image(String key) {
    return new LevelWriter.Image(key, "file:/in/" + key, "sha", "model");
  }
}
