package dev.p2g.job;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** Counting what a job wrote to a Hadoop filesystem (HDFS, S3). */
final class StoreFiles {
  private StoreFiles() {}

  /** Copies sample-data/images under dir, keeping the subfolders; returns how many files. */
  static long uploadSamples(FileSystem fs, String dir) throws java.io.IOException {
    return uploadTree(fs, java.nio.file.Path.of("../sample-data/images"), dir);
  }

  /** Copies the files under a local folder under dir, keeping the subfolders; returns how many files. */
  static long uploadTree(FileSystem fs, java.nio.file.Path samples, String dir) throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(samples)) {
      java.util.List<java.nio.file.Path> files = s.filter(java.nio.file.Files::isRegularFile).toList();
      for (java.nio.file.Path f : files) {
        // a stream copy, not copyFromLocalFile: S3A 3.3.4's fails on a single file ("Cannot get
        // relative path for URI"), which S3A 3.5 fixed
        upload(fs, f, dir + "/" + samples.relativize(f));
      }
      return files.size();
    }
  }

  /** Copies one local file to uri, overwriting. */
  static void upload(FileSystem fs, java.nio.file.Path file, String uri) throws java.io.IOException {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file);
        java.io.OutputStream out = fs.create(new Path(uri), true)) {
      in.transferTo(out);
    }
  }

  /** Files under dir whose names start with prefix. */
  static long named(FileSystem fs, String dir, String prefix) throws java.io.IOException {
    return matching(fs, dir, name -> name.startsWith(prefix));
  }

  static long count(FileSystem fs, String dir, String suffix) throws java.io.IOException {
    return matching(fs, dir, name -> name.endsWith(suffix));
  }

  private static long matching(FileSystem fs, String dir, java.util.function.Predicate<String> name)
      throws java.io.IOException {
    long n = 0;
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(dir), true);
    while (it.hasNext()) {
      if (name.test(it.next().getPath().getName())) {
        n++;
      }
    }
    return n;
  }
}
