package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.serve.ServeCommand;
import dev.p2g.job.serve.ServeOptions;
import dev.p2g.job.serve.ServedFields;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * p2g serve over fields/ on S3 (an S3 API server in the test), set up as a user would, with
 * --conf spark.hadoop.fs.s3a.* on its command line: the same bytes as the same table on the local
 * filesystem, and the secret key in none of its output.
 */
class ServeS3Test {
  @TempDir
  Path tmp;

  @Test
  void servesTheSameImagesFromS3() throws Exception {
    ServedFields local = new ServedFields(tmp);
    try (S3Store s3 = S3Store.start("p2g-serve")) {
      FileSystem fs = s3.fs();
      fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.uri),
          new org.apache.hadoop.fs.Path(s3.uri("/fields")));
      List<String> args = new ArrayList<>(List.of("serve", "--fields", s3.uri("/fields"), "--port", "0",
          "--refresh-seconds", "0"));
      args.addAll(s3.conf());
      ServeOptions options = ServeOptions.parse(args.toArray(String[]::new), 1);
      ByteArrayOutputStream said = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(said, true, StandardCharsets.UTF_8);
      try (ServeCommand.Running onS3 = ServeCommand.start(options, out, out);
          ServeCommand.Running onDisk = local.start(local.options(2, 8, 64L << 20))) {
        assertEquals(3, onS3.index().size(), said.toString(StandardCharsets.UTF_8));
        for (String path : List.of("/iiif/3/tiled%2Fone/full/%5Epct:200/0/default.png",
            "/iiif/3/plain/3,4,20,10/%5E80,/0/default.png", "/iiif/3/plain/info.json")) {
          HttpResponse<byte[]> fromS3 = local.get(onS3, path);
          assertEquals(200, fromS3.statusCode(), path + ": " + new String(fromS3.body(), StandardCharsets.UTF_8));
          byte[] want = local.get(onDisk, path).body();
          if (path.endsWith(".png")) {
            assertArrayEquals(want, fromS3.body(), path);
          }
        }
      }
      String printed = said.toString(StandardCharsets.UTF_8);
      assertTrue(printed.startsWith("p2g: serving 3 images of s3a://p2g-serve/fields"), printed);
      assertFalse(printed.contains(S3Store.SECRET), "the secret key reached the output");
    }
  }
}
