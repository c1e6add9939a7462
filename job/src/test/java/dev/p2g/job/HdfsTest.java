package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.tables.ManifestTable;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job with input and every output on a real HDFS (MiniDFSCluster: a name node and a data node). */
class HdfsTest {
  @TempDir
  static Path tmp;
  private static MiniDFSCluster cluster;
  private static String root;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    root = "hdfs://localhost:" + cluster.getNameNodePort();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void runReadsAndWritesHdfs() throws Exception {
    FileSystem fs = cluster.getFileSystem();
    long images = StoreFiles.uploadSamples(fs, "/in");
    JobRun run = JobRun.of("run", "--input", root + "/in", "--output", root + "/out", "--scales", "2", "--model",
        JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("output " + root + "/out"), run.out());

    assertEquals(images, StoreFiles.count(fs, "/out/pyramid/x2", ".png"), "pyramid images on HDFS");
    assertTrue(StoreFiles.count(fs, "/out/fields", ".parquet") > 0, "fields on HDFS");
    List<Row> manifest = EndToEndTest.spark().read().schema(ManifestTable.SCHEMA)
        .parquet(root + "/out/manifest").collectAsList();
    assertEquals(images, manifest.size());
    for (Row m : manifest) {
      String path = m.getString(m.fieldIndex("path"));
      assertTrue(path.startsWith(root + "/out/pyramid/x2/"), path);
      FileStatus st = fs.getFileStatus(new org.apache.hadoop.fs.Path(path));
      assertEquals(m.getLong(m.fieldIndex("bytes")), st.getLen(), path);
    }
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/out/errors")), "errors table on HDFS");
  }

}
