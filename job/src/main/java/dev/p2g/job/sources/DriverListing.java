package dev.p2g.job.sources;

import dev.p2g.io.ImageKeys;
import dev.p2g.job.common.SparkOrder;
import dev.p2g.spark.EncodePartition;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * A listing the driver made whole (DriverWalk): its images, other files and duplicate output
 * names worked out in Java, by the rules ImageListing's Spark path applies (the first image by
 * URI keeps an output name, as Spark orders strings: by their UTF-8 bytes), with no Spark job.
 */
final class DriverListing {
  private DriverListing() {}

  /** files: ListFiles.SCHEMA rows of files (no folders). */
  static ImageListing.Listing of(SparkSession spark, List<Row> files) {
    Map<String, List<Row>> byStem = new LinkedHashMap<>();
    long others = 0;
    for (Row f : files) {
      if (f.<Boolean>getAs("image")) {
        byStem.computeIfAbsent(ImageKeys.stem(f.getAs("key")), s -> new ArrayList<>()).add(f);
      } else {
        others++;
      }
    }
    List<Row> images = new ArrayList<>();
    List<Row> refused = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<String, List<Row>> stem : byStem.entrySet()) {
      List<Row> same = stem.getValue();
      same.sort(Comparator.comparing(r -> r.<String>getAs("uri"), SparkOrder.STRINGS));
      Row first = same.get(0);
      images.add(input(first));
      bytes += first.<Long>getAs(FieldTable.SOURCE_SIZE);
      for (Row later : same.subList(1, same.size())) {
        refused.add(new ErrorRecord(later.getAs("key"), later.getAs("uri"), ErrorRecord.ENCODE, null,
            ImageListing.DUPLICATE_NAME, ImageListing.DUPLICATE_TEXT[0] + stem.getKey() + ImageListing.DUPLICATE_TEXT[1]
                + first.getAs("uri") + ImageListing.DUPLICATE_TEXT[2]).toRow());
      }
    }
    images.sort(Comparator.comparing(r -> r.<String>getAs("key"), SparkOrder.STRINGS));
    return new ImageListing.Listing(() -> spark.createDataFrame(images, EncodePartition.INPUT),
        () -> spark.createDataFrame(refused, ErrorRecord.SCHEMA), images.size(), bytes, others, refused.size(), 0,
        List.of(), images);
  }

  /** A listed file as an EncodePartition.INPUT row: not packed, no attributes. */
  private static Row input(Row file) {
    return new GenericRowWithSchema(new Object[] {file.getAs("uri"), file.getAs("key"),
        file.getAs(FieldTable.SOURCE_SIZE), file.getAs(FieldTable.SOURCE_MODIFIED), file.getAs(FieldTable.SOURCE_ETAG),
        null, null, null}, EncodePartition.INPUT);
  }
}
