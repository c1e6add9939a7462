package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.io.OutputLayout;
import dev.p2g.job.FaultProxy.Kind;
import dev.p2g.pyramid.ImageSink;
import dev.p2g.pyramid.PyramidLayout;
import dev.p2g.pyramid.ShardSink;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * A WebDataset shard on s3a:// is written at its final key: a finished one is one object and no
 * copy, and an unfinished one (its task failed) is aborted, so it never appears, not even for a
 * moment. Requests counted at the server by FaultProxy.
 */
class ShardDiscardS3Test {
  @Test
  void aFinishedShardIsStoredOnceAndAnAbortedOneNever() throws Exception {
    try (S3Store s3 = S3Store.start("p2g-shards"); FaultProxy proxy = FaultProxy.start(s3.port())) {
      Configuration conf = new Configuration();
      List<String> settings = s3.conf(proxy.endpoint());
      for (int i = 1; i < settings.size(); i += 2) {
        String kv = settings.get(i).substring("spark.hadoop.".length());
        conf.set(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
      conf.setBoolean("fs.s3a.impl.disable.cache", true);
      OutputLayout layout = new OutputLayout(s3.uri("/out"));
      byte[] image = new byte[5000];
      ImageSink.Entry entry = new ImageSink.Entry("a/b.png", "x2", "png", 10, 10, "s3a://in/a/b.png", "m", null);

      ShardSink finished = ShardSink.of(PyramidLayout.WEBDATASET, layout, 10, conf, "part-00000-a0-done", 0);
      ImageSink.Placement placed = finished.put(entry, image);
      finished.close();
      assertEquals(0, proxy.counts().get(Kind.COPY).requests(), "no shard copied");
      FileSystem fs = s3.fs();
      assertTrue(fs.exists(new Path(placed.path())), placed.path());
      assertTrue(placed.path().endsWith("/pyramid/x2/part-00000-a0-done-00000.tar"), "at its final key at once");

      proxy.resetCounts();
      ShardSink failed = ShardSink.of(PyramidLayout.WEBDATASET, layout, 10, conf, "part-00001-a0-failed", 0);
      ImageSink.Placement lost = failed.put(entry, image);
      failed.abort();
      assertFalse(fs.exists(new Path(lost.path())), "an aborted shard is not stored");
      assertEquals(0, proxy.counts().get(Kind.PUT).requests() + proxy.counts().get(Kind.COMPLETE).requests(),
          "nothing was ever stored: " + proxy.counts());
      assertEquals(0, s3.pendingUploads(), "no upload left pending");
    }
  }
}
