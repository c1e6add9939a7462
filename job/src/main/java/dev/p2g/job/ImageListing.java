package dev.p2g.job;

import dev.p2g.io.ImageKeys;
import dev.p2g.spark.ErrorRecord;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Lists the images under the input URIs with Spark's binaryFile source (recursive, Spark's
 * parallel listing and hidden-file rules). The files come from the source's file index
 * (inputFiles), not from a scan: a scan skips zero-length files, and an empty file must reach
 * encode to get its errors/ row. The bytes are read by the encode tasks. Keys are paths relative
 * to each input root, sanitised; images whose output names would collide are refused, all but the
 * first by URI, with an errors/ row each.
 *
 * <p>inputFiles already holds every name on the driver, so keys and duplicates are worked out
 * there in plain Java: three Spark jobs (one a 200-partition shuffle) cost 7 s of an 8-image run.
 */
final class ImageListing {
  /** The listing's result: images to encode, refused duplicates, and files that are not images. */
  record Listing(List<Row> images, long otherFiles, List<ErrorRecord> duplicates) {
    long imageCount() {
      return images.size();
    }
  }

  /** One listed file: its Hadoop URI, its key and whether its extension names an image. */
  record ListedFile(String uri, String key, boolean image) {
    String stem() {
      return ImageKeys.stem(key);
    }
  }

  private ImageListing() {}

  static Listing list(SparkSession spark, List<String> inputs, Configuration conf) throws SystemicException {
    List<ListedFile> files = new ArrayList<>();
    for (String input : inputs) {
      files.addAll(listOne(spark, input, conf));
    }
    long otherFiles = files.stream().filter(f -> !f.image()).count();
    Map<String, ListedFile> firstByStem = new HashMap<>();
    List<ErrorRecord> duplicates = new ArrayList<>();
    List<ListedFile> images = files.stream().filter(ListedFile::image)
        .sorted(Comparator.comparing(ListedFile::uri)).toList();
    List<Row> rows = new ArrayList<>(images.size());
    for (ListedFile f : images) {
      if (firstByStem.putIfAbsent(f.stem(), f) == null) {
        rows.add(RowFactory.create(f.uri(), f.key()));
      } else {
        duplicates.add(new ErrorRecord(f.key(), f.uri(), ErrorRecord.ENCODE, null, "list.duplicate-name",
            "another input file has the same output name '" + f.stem() + ".*' and was taken instead ("
                + firstByStem.get(f.stem()).uri() + "; the first by URI wins)"));
      }
    }
    return new Listing(List.copyOf(rows), otherFiles, duplicates);
  }

  private static List<ListedFile> listOne(SparkSession spark, String input, Configuration conf)
      throws SystemicException {
    Path path = new Path(input);
    FileStatus status;
    Path qualified;
    try {
      FileSystem fs = path.getFileSystem(conf);
      status = fs.getFileStatus(path);
      qualified = fs.makeQualified(path);
    } catch (FileNotFoundException e) {
      throw new SystemicException("input does not exist: " + input);
    } catch (IOException e) {
      throw new SystemicException("cannot read input " + input + ": " + e.getMessage(), e);
    }
    String root = (status.isDirectory() ? qualified : qualified.getParent()).toUri().getPath();
    String[] files = spark.read().format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(qualified.toString())
        .inputFiles();
    List<ListedFile> listed = new ArrayList<>(files.length);
    for (String uri : files) {
      listed.add(keyed(uri, root));
    }
    return listed;
  }

  /** inputFiles gives escaped URIs (%20); keys and source URIs are kept in Hadoop's plain path form. */
  private static ListedFile keyed(String escapedUri, String root) {
    Path file = new Path(URI.create(escapedUri));
    String path = file.toUri().getPath();
    String relative = path.startsWith(root) ? path.substring(root.length()) : file.getName();
    String key = ImageKeys.sanitize(relative);
    return new ListedFile(file.toString(), key, ImageKeys.isImage(key));
  }
}
