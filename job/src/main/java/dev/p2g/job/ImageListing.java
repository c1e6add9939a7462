package dev.p2g.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import dev.p2g.io.ImageKeys;
import dev.p2g.spark.ErrorRecord;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Lists the images under the input URIs with Spark's binaryFile source (recursive, Spark's
 * parallel listing and hidden-file rules). The files come from the source's file index
 * (inputFiles), not from a scan: a scan skips zero-length files, and an empty file must reach
 * encode to get its errors/ row. The bytes are read by the encode tasks. Keys are paths relative to each
 * input root, sanitised; images whose output names would collide are refused, all but the first
 * by URI, with an errors/ row each.
 */
final class ImageListing {
  static final StructType SCHEMA = new StructType()
      .add("uri", DataTypes.StringType, false)
      .add("key", DataTypes.StringType, false)
      .add("stem", DataTypes.StringType, false)
      .add("image", DataTypes.BooleanType, false);

  /** The listing's result: images to encode, refused duplicates, and files that are not images. */
  record Listing(Dataset<Row> images, long imageCount, long otherFiles, List<ErrorRecord> duplicates) {}

  private ImageListing() {}

  static Listing list(SparkSession spark, List<String> inputs, Configuration conf) throws SystemicException {
    Dataset<Row> all = null;
    for (String input : inputs) {
      Dataset<Row> one = listOne(spark, input, conf);
      all = all == null ? one : all.union(one);
    }
    all = all.cache();
    long otherFiles = all.filter(col("image").equalTo(false)).count();
    Dataset<Row> ranked = all.filter(col("image"))
        .withColumn("rank", row_number().over(Window.partitionBy("stem").orderBy("uri")));
    List<ErrorRecord> duplicates = new ArrayList<>();
    for (Row r : ranked.filter(col("rank").gt(1)).collectAsList()) {
      duplicates.add(new ErrorRecord(r.getString(1), r.getString(0), ErrorRecord.ENCODE, null,
          "list.duplicate-name", "another input file has the same output name '" + r.getString(2)
              + ".*' and was taken instead (the first by URI wins)"));
    }
    Dataset<Row> images = ranked.filter(col("rank").equalTo(1)).select("uri", "key").cache();
    long count = images.count();
    all.unpersist();
    return new Listing(images, count, otherFiles, duplicates);
  }

  private static Dataset<Row> listOne(SparkSession spark, String input, Configuration conf)
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
    return spark.createDataset(Arrays.asList(files), Encoders.STRING())
        .map((MapFunction<String, Row>) uri -> keyed(uri, root), Encoders.row(SCHEMA));
  }

  /** inputFiles gives escaped URIs (%20); keys and source URIs are kept in Hadoop's plain path form. */
  private static Row keyed(String escapedUri, String root) {
    Path file = new Path(URI.create(escapedUri));
    String path = file.toUri().getPath();
    String relative = path.startsWith(root) ? path.substring(root.length()) : file.getName();
    String key = ImageKeys.sanitize(relative);
    return RowFactory.create(file.toString(), key, ImageKeys.stem(key), ImageKeys.isImage(key));
  }
}
