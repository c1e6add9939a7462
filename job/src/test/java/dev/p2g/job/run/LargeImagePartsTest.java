package dev.p2g.job.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FieldCodecs;
import dev.p2g.field.FieldRecord;
import dev.p2g.io.Device;
import dev.p2g.job.JobRun;
import dev.p2g.job.Main;
import dev.p2g.job.SparkTestSession;
import dev.p2g.spark.LargeImageParts;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large image is encoded in parts, one task each (LargeImageParts): the parts' tiles are the
 * tiles one task would have made, each part's task writes its own rows, and an image every part
 * fails to decode fails once. The analytic model: what is tested is the split, not the model.
 */
class LargeImagePartsTest {
  static final String MODEL = JobRun.ANALYTIC_MODEL;
  private static final int TILE = 64;

  @TempDir
  static Path tmp;
  static JobRun run;
  static byte[] big;

  @BeforeAll
  static void encodeInParts() throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    BufferedImage noise = new BufferedImage(256, 192, BufferedImage.TYPE_3BYTE_BGR);
    Random r = new Random(29);
    for (int y = 0; y < noise.getHeight(); y++) {
      for (int x = 0; x < noise.getWidth(); x++) {
        noise.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    ImageIO.write(noise, "png", in.resolve("big.png").toFile()); // noise does not compress: over PROBE_BYTES
    big = Files.readAllBytes(in.resolve("big.png"));
    assertTrue(big.length >= LargeImageParts.PROBE_BYTES, big.length + " bytes");
    // the same header, its pixels cut off: every part finds it broken
    Files.write(in.resolve("broken.png"), Arrays.copyOf(big, (int) LargeImageParts.PROBE_BYTES + 100));
    run = JobRun.of("encode", "--input", in.toString(), "--fields", tmp.resolve("fields").toString(),
        "--tile", Integer.toString(TILE), "--model", MODEL);
  }

  @Test
  void thePartsTilesAreTheTilesOfOneTask() throws Exception {
    assertEquals(Main.OK, run.exitCode(), run.err());
    assertTrue(run.out().contains("encode wrote 1 fields"), run.out());
    List<FieldRecord> rows = SparkTestSession.get().read().schema(FieldTable.SCHEMA)
        .parquet(tmp.resolve("fields").toString()).collectAsList().stream().map(FieldTable::fromRow)
        .sorted(Comparator.comparingInt(FieldRecord::tileY).thenComparingInt(FieldRecord::tileX)).toList();
    assertEquals(4 * 3, rows.size(), "256 x 192 in tiles of 64");
    ModelInfo info = OnnxSessions.inspect(MODEL, Device.CPU, 1, new Configuration());
    FieldEncoder encoder = new FieldEncoder(new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, AlphaPolicy.BLACK),
        OnnxSessions.get(new ModelRef(MODEL, info.id(), Device.CPU, 1), new Configuration()),
        FieldCodecs.byName(FieldCodecs.DEFAULT), TILE, 1);
    FieldEncoder.Tiles whole = encoder.start("big.png", "mem:big.png", big);
    for (FieldRecord part : rows) {
      FieldRecord one = whole.next();
      assertEquals(List.of(one.tileX(), one.tileY(), one.tileWidth(), one.tileHeight()),
          List.of(part.tileX(), part.tileY(), part.tileWidth(), part.tileHeight()));
      assertArrayEquals(one.params(), part.params(), "tile " + one.tileX() + "," + one.tileY());
    }
  }

  @Test
  void eachPartIsATaskOfItsOwn() throws Exception {
    long files;
    try (Stream<Path> s = Files.list(tmp.resolve("fields"))) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
    assertEquals(LargeImageParts.parts(12), files, "one file per part's task: 12 tiles, "
        + LargeImageParts.TILES_PER_PART + " a part");
  }

  @Test
  void anImageNoPartCanDecodeFailsOnce() {
    assertTrue(run.out().contains(" 1 failed"), run.out());
    List<Row> errors = SparkTestSession.get().read().schema(ErrorRecord.SCHEMA)
        .parquet(tmp.resolve("errors").toString()).collectAsList();
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("broken.png", errors.get(0).getString(errors.get(0).fieldIndex("key")));
  }
}
