package dev.p2g.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files the job writes on a local disk come without Hadoop's hidden .crc files, and still read back through Hadoop. */
class HadoopFilesCreateTest {
  @TempDir
  Path dir;

  @Test
  void localFilesGetNoChecksumFile() throws Exception {
    Configuration conf = new Configuration();
    String uri = dir.resolve("x2/photo.png").toUri().toString();
    HadoopFiles.write(uri, "pixels".getBytes(StandardCharsets.UTF_8), conf);
    try (Stream<Path> files = Files.walk(dir)) {
      List<String> names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
      assertEquals(List.of("photo.png"), names, "no .photo.png.crc beside it");
    }
    assertArrayEquals("pixels".getBytes(StandardCharsets.UTF_8), HadoopFiles.read(uri, conf, 100));
  }

  @Test
  void aStaleChecksumOfAnEarlierFileIsRemoved() throws Exception {
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir.resolve("a.png").toUri());
    FileSystem local = path.getFileSystem(conf);
    try (FSDataOutputStream out = local.create(path, true)) { // an earlier version, with its .crc
      out.write("an earlier image".getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(Files.exists(dir.resolve(".a.png.crc")), "Hadoop's local file system wrote a checksum");
    HadoopFiles.write(path.toString(), "the new one".getBytes(StandardCharsets.UTF_8), conf);
    assertTrue(Files.notExists(dir.resolve(".a.png.crc")));
    // read through the checksumming file system: a stale .crc would fail this as corrupt
    assertArrayEquals("the new one".getBytes(StandardCharsets.UTF_8), HadoopFiles.read(path.toString(), conf, 100));
  }
}
