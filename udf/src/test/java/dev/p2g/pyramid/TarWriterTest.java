package dev.p2g.pyramid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TarWriter's archives as Python's tarfile reads them (names, sizes, bytes), with the names that
 * need PAX headers (long, not ASCII) and sizes on and off the 512-byte blocks; and PyramidImages
 * finding a member in them.
 */
class TarWriterTest {
  @TempDir
  Path tmp;

  @Test
  void pythonsTarfileReadsEveryMemberBack() throws Exception {
    Random random = new Random(19);
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("a.png", bytes(random, 0));
    members.put("nested/deeper/b%2Ejpg.png", bytes(random, 512));
    members.put("x".repeat(99) + ".json", bytes(random, 513));
    members.put("long/" + "folder/".repeat(30) + "c%2Epng.png", bytes(random, 1000));
    members.put("ünïcode/café%2Epng.json", bytes(random, 7));
    Path tar = tmp.resolve("shard.tar");
    try (OutputStream out = Files.newOutputStream(tar);
        TarWriter writer = new TarWriter(out, 1_764_000_000L)) {
      int i = 0;
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        if (i++ % 2 == 0) {
          writer.add(m.getKey(), m.getValue());
        } else {
          writer.add(m.getKey(), m.getValue().length, new ByteArrayInputStream(m.getValue()));
        }
      }
    }
    assertEquals(0, Files.size(tar) % TarWriter.BLOCK);
    String script = String.join("\n",
        "import hashlib, sys, tarfile",
        "with tarfile.open(sys.argv[1], 'r:') as t:",
        "    for m in t:",
        "        assert m.isfile() and m.mtime == 1764000000, m",
        "        print(m.name + '\\t' + str(m.size) + '\\t' + hashlib.sha256(t.extractfile(m).read()).hexdigest())");
    Process p = new ProcessBuilder("python3", "-c", script, tar.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    List<String> lines = out.lines().toList();
    assertEquals(members.size(), lines.size(), out);
    int i = 0;
    for (Map.Entry<String, byte[]> m : members.entrySet()) {
      String expected = m.getKey() + "\t" + m.getValue().length + "\t"
          + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(m.getValue()));
      assertEquals(expected, lines.get(i++));
      assertArrayEquals(m.getValue(), PyramidImages.read(tar.toUri().toString(), "k", m.getKey(), null,
          new Configuration(), Long.MAX_VALUE), "PyramidImages finds " + m.getKey());
    }
  }

  @Test
  void paxRecordLengthCountsItsOwnDigits() {
    for (int n = 1; n < 300; n++) {
      String record = TarWriter.paxRecord("path", "p".repeat(n));
      int declared = Integer.parseInt(record.substring(0, record.indexOf(' ')));
      assertEquals(record.getBytes(StandardCharsets.UTF_8).length, declared, record);
    }
  }

  @Test
  void webDatasetKeysHaveNoDotAndUnescapeToTheKeyWithoutItsExtension() throws Exception {
    String key = "a.b/c%d/photo.v2.jpg";
    String member = WebDatasetNames.member(key, "png");
    assertEquals("a%2Eb/c%25d/photo%2Ev2.png", member);
    String base = member.substring(member.lastIndexOf('/') + 1);
    String sample = member.substring(0, member.lastIndexOf('/') + 1) + base.substring(0, base.indexOf('.'));
    assertEquals("a.b/c%d/photo.v2", java.net.URLDecoder.decode(sample, StandardCharsets.UTF_8));
    assertEquals("a.b/c%d/photo.v2.png", new dev.p2g.io.OutputLayout("o").pyramidFile("x2", key, "png")
        .substring("o/pyramid/x2/".length()), "the files layout names it the same way, unescaped");
  }

  /** An image from a WebDataset shard: its output sample has the input sample's key and says where it came from. */
  @Test
  void aSampleFromAShardKeepsItsKeyAndNamesItsSource() {
    String shard = "s3a://data/train/shard-00001.tar";
    ImageSink.Entry entry = new ImageSink.Entry("train/shard-00001/chelsea.png", "x2", "png", 10, 10,
        shard + "#chelsea.png", "m", null);
    assertEquals("train/shard-00001/chelsea.png", WebDatasetNames.member(entry.key(), "png"));
    assertEquals("train/shard-00001/chelsea.json", WebDatasetNames.member(entry.key(), "json"));
    java.util.Map<String, Object> json = TarShard.metadata(entry);
    assertEquals(shard, json.get("source_shard"));
    assertEquals("chelsea.png", json.get("source_member"));
    ImageSink.Entry file = new ImageSink.Entry("chelsea.png", "x2", "png", 10, 10, "s3a://data/chelsea.png", "m",
        null);
    assertEquals(null, TarShard.metadata(file).get("source_shard"), "a plain file has no shard");
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
