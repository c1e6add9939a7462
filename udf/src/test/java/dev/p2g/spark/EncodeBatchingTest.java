package dev.p2g.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.ModelSource;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FieldCodecs;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Same-sized model inputs in one ONNX run (--encode-batch) give the fields that one run per
 * input gives, and the partition's grouping puts only same-sized whole images together.
 */
class EncodeBatchingTest {
  private static final int TILE = 32;
  private static ModelSession session;
  private static Map<String, byte[]> images;

  @BeforeAll
  static void setUp() throws Exception {
    ModelInfo info = OnnxSessions.inspect(ModelSource.BUILTIN_DEFAULT, Device.CPU, 1, new Configuration());
    session = OnnxSessions.get(new ModelRef(ModelSource.BUILTIN_DEFAULT, info.id(), Device.CPU, 1),
        new Configuration());
    BufferedImage cups = ImageIO.read(new File("../sample-data/images/colorful-cups.png"));
    images = new LinkedHashMap<>();
    // Five whole images of one size, one of another, and one of 5 x 2 tiles whose 3 middle
    // columns have model inputs of one size (the tile and the model's halo on both sides): the
    // width, 4 tiles and a halo, leaves the fourth column its whole right halo.
    for (int i = 0; i < 5; i++) {
      images.put("same-" + i, png(cups.getSubimage(7 * i, 5 * i, 30, 20)));
    }
    images.put("other", png(cups.getSubimage(3, 3, 17, 29)));
    images.put("tiled", png(cups.getSubimage(11, 13, 4 * TILE + Math.max(info.receptiveField(), 12), 50)));
  }

  @Test
  void batchedRunsGiveTheFieldsOfSingleRuns() throws Exception {
    long before = session.runs();
    Map<String, List<FieldRecord>> single = encodeAll(1);
    long singleRuns = session.runs() - before;
    Map<String, List<FieldRecord>> batched = encodeAll(4);
    long batchedRuns = session.runs() - before - singleRuns;
    assertEquals(16, singleRuns, "one run per whole image (6) and per tile (10)");
    // same-0..3 in one run, same-4 and other alone; each tile row: [first], [3 middle ones], [last].
    assertEquals(9, batchedRuns, "model runs with batches of 4");
    assertEquals(single.keySet(), batched.keySet());
    assertEquals(10, batched.get("tiled").size(), "tiles of the tiled image");
    double worst = 0;
    for (String key : single.keySet()) {
      List<FieldRecord> a = single.get(key);
      List<FieldRecord> b = batched.get(key);
      assertEquals(a.size(), b.size(), key);
      for (int t = 0; t < a.size(); t++) {
        FieldRecord ra = a.get(t);
        FieldRecord rb = b.get(t);
        assertArrayEquals(new int[] {ra.tileX(), ra.tileY(), ra.tileWidth(), ra.tileHeight()},
            new int[] {rb.tileX(), rb.tileY(), rb.tileWidth(), rb.tileHeight()}, key + " tile " + t);
        assertEquals(ra.reach(), rb.reach(), 1e-5, key + " reach");
        GaussianField fa = ra.decodeField();
        GaussianField fb = rb.decodeField();
        for (int i = 0; i < fa.params().length; i++) {
          worst = Math.max(worst, Math.abs(fa.params()[i] - fb.params()[i]));
        }
      }
    }
    System.out.printf("batched against single runs: max |parameter difference| %.2e%n", worst);
    assertTrue(worst <= 1e-5, "batched fields differ from single-run fields by " + worst);
  }

  @Test
  void groupsHoldOnlyOneSizeAndTiledImagesGoAlone() throws Exception {
    FieldEncoder encoder = encoder(4);
    List<FieldEncoder.Tiles> started = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : images.entrySet()) {
      started.add(encoder.start(e.getKey(), "mem:" + e.getKey(), e.getValue()));
    }
    List<List<String>> groups = new ArrayList<>();
    new SameSizeGroups(started.iterator(), () -> 4).forEachRemaining(g -> groups.add(g.stream().map(
        FieldEncoder.Tiles::key).toList()));
    // same-0..3 fill a group of 4; the tiled image goes at once; same-4 and other wait for the end.
    assertEquals(List.of(List.of("same-0", "same-1", "same-2", "same-3"), List.of("tiled"), List.of("same-4"),
        List.of("other")), groups);
  }

  @Test
  void mixedSizesNeverWaitForMoreThanABatch() throws Exception {
    FieldEncoder encoder = encoder(2);
    List<FieldEncoder.Tiles> started = new ArrayList<>();
    for (String key : List.of("same-0", "other", "same-1")) {
      started.add(encoder.start(key, "mem:" + key, images.get(key)));
    }
    List<List<String>> groups = new ArrayList<>();
    new SameSizeGroups(started.iterator(), () -> 2).forEachRemaining(g -> groups.add(g.stream().map(
        FieldEncoder.Tiles::key).toList()));
    // Two waiting (of two sizes) is a batch's worth: the first goes alone rather than wait longer.
    assertEquals(List.of(List.of("same-0"), List.of("other"), List.of("same-1")), groups);
  }

  private static Map<String, List<FieldRecord>> encodeAll(int batch) throws Exception {
    FieldEncoder encoder = encoder(batch);
    List<FieldEncoder.Tiles> started = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : images.entrySet()) {
      started.add(encoder.start(e.getKey(), "mem:" + e.getKey(), e.getValue()));
    }
    Map<String, List<FieldRecord>> out = new LinkedHashMap<>();
    SameSizeGroups groups = new SameSizeGroups(started.iterator(), () -> batch);
    while (groups.hasNext()) {
      List<FieldEncoder.Tiles> group = groups.next();
      if (!group.get(0).whole()) {
        List<FieldRecord> rows = new ArrayList<>();
        while (group.get(0).hasNext()) {
          rows.add(group.get(0).next());
        }
        out.put(group.get(0).key(), rows);
      } else {
        for (FieldEncoder.Outcome o : encoder.encodeTogether(group)) {
          assertNull(o.failure(), o.image().key());
          out.put(o.image().key(), List.of(o.record()));
        }
      }
    }
    return out;
  }

  private static FieldEncoder encoder(int batch) {
    return new FieldEncoder(new ImageDecoder(1_000_000, AlphaPolicy.DEFAULT), session, FieldCodecs.byName("f32"), TILE,
        batch);
  }

  private static byte[] png(BufferedImage img) throws Exception {
    BufferedImage copy = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    copy.getGraphics().drawImage(img, 0, 0, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(copy, "png", out);
    return out.toByteArray();
  }
}
