package dev.p2g.job.serve;

import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The heap a FieldIndex holds (docs/serve.md, "The index and the cache"): n synthetic fields/
 * rows (default 200,000) with keys like a dataset's, 38 characters, in Parquet files of 100,000
 * rows, indexed; the heap before and after, each after a GC.
 *   BENCH_HEAP=2g bin/bench dev.p2g.job.serve.IndexHeapBenchmark 200000
 */
public final class IndexHeapBenchmark {
  private IndexHeapBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    String dir = Files.createTempDirectory("p2g-index-heap").toString();
    MessageType schema = MessageTypeParser.parseMessageType("message f { required binary key (STRING);"
        + " required int64 encoded_at (TIMESTAMP(MICROS,true)); required int32 width; required int32 height;"
        + " required int32 tile_x; required int32 tile_y; required int32 tile_width; required int32 tile_height;"
        + " required double reach; optional binary degradation (STRING); }");
    Configuration conf = new Configuration();
    int perFile = 100_000;
    for (int f = 0; f * perFile < n; f++) {
      try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new Path(dir + "/part-" + f + ".parquet"))
          .withType(schema).withConf(conf).build()) {
        SimpleGroupFactory g = new SimpleGroupFactory(schema);
        for (int i = f * perFile; i < Math.min(n, (f + 1) * perFile); i++) {
          w.write(g.newGroup().append("key", String.format("photos/2026/batch-%04d/img-%07d.jpg", i / 1000, i))
              .append("encoded_at", 1_700_000_000_000_000L + i).append("width", 1024).append("height", 768)
              .append("tile_x", 0).append("tile_y", 0).append("tile_width", 1024).append("tile_height", 768)
              .append("reach", 1.5));
        }
      }
    }
    System.gc();
    Thread.sleep(200);
    System.gc();
    long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    long t0 = System.nanoTime();
    FieldIndex index = FieldIndex.open("file://" + dir, conf);
    long t1 = System.nanoTime();
    System.gc();
    Thread.sleep(200);
    System.gc();
    long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    System.out.printf("%d rows: %d keys, indexed in %.1f s, heap %.1f MB = %.0f bytes a row%n", n, index.size(),
        (t1 - t0) / 1e9, (after - before) / 1e6, (double) (after - before) / n);
  }
}
