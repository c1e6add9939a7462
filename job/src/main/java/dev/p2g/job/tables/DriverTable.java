package dev.p2g.job.tables;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One of the job's own Parquet tables (fields/, manifest/, the source checks) read on the driver
 * when it is small: some columns of every row, as Spark would read them, in milliseconds where
 * a Spark query costs seconds on a cold JVM (docs/benchmarks.md, "Small runs"). Only what
 * planning and the report need is read (never a field's parameters). A table over the limits
 * is Spark's: read() then says so, and the caller runs its query instead, which gives the same
 * answer (the tests run both). As Spark does, files and folders whose names start with '_' or
 * '.' are not the table, and name=value folders are partition columns.
 */
public final class DriverTable {
  /**
   * Rows the driver reads at most, and files: 100,000 rows of a few short columns are about 20 MB
   * on the driver and read in about a second; each file is one more footer read (on S3 a request).
   */
  public static final long MAX_ROWS = 100_000;
  static final int MAX_FILES = 64;
  /** The Spark session setting that overrides MAX_ROWS (0: every table is read by Spark). */
  public static final String ROWS_KEY = "p2g.driverTable.maxRows";
  /** The column read() adds: the file a row is in, as a Hadoop path. */
  public static final String FILE = "_p2g_file";
  private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;

  private DriverTable() {}

  /** The named columns of a table's schema, for read(): what planning needs of it, by name. */
  public static StructType columns(StructType schema, String... names) {
    StructType out = new StructType();
    for (String name : names) {
      out = out.add(schema.apply(name));
    }
    return out;
  }

  /** The limit of rows the session asks for (ROWS_KEY), else MAX_ROWS. */
  public static long maxRows(SparkSession spark) {
    return Long.parseLong(spark.conf().get(ROWS_KEY, Long.toString(MAX_ROWS)));
  }

  /**
   * The columns of every row of the table (missing in older files: null), with FILE, or empty
   * when the table holds more than maxRows rows or MAX_FILES files. A table that does not exist
   * has no rows.
   */
  public static Optional<List<Row>> read(String uri, StructType columns, long maxRows, Configuration conf)
      throws IOException {
    if (maxRows <= 0) {
      return Optional.empty();
    }
    Path root = new Path(uri);
    FileSystem fs = root.getFileSystem(conf);
    List<DataFile> files = new ArrayList<>();
    try {
      if (!collect(fs, root, new HashMap<>(), files, MAX_FILES)) {
        return Optional.empty();
      }
    } catch (FileNotFoundException e) {
      return Optional.of(List.of());
    }
    List<ParquetFileReader> footers = new ArrayList<>();
    try {
      long rows = 0;
      for (DataFile f : files) {
        ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(f.path(), conf));
        footers.add(footer);
        for (BlockMetaData block : footer.getFooter().getBlocks()) {
          rows += block.getRowCount();
        }
        if (rows > maxRows) {
          return Optional.empty();
        }
      }
      StructType schema = columns.add(FILE, DataTypes.StringType, false);
      List<Row> out = new ArrayList<>((int) rows);
      for (int i = 0; i < files.size(); i++) {
        read(files.get(i), footers.get(i).getFooter().getFileMetaData().getSchema(), schema, conf, out::add);
      }
      return Optional.of(out);
    } finally {
      for (ParquetFileReader f : footers) {
        f.close();
      }
    }
  }

  /**
   * Every data file of the table, however many (none when it does not exist), by the same rules:
   * for a reader that takes the files one at a time (readFile), as the IIIF server's index does.
   */
  public static List<FileStatus> dataFiles(String uri, Configuration conf) throws IOException {
    Path root = new Path(uri);
    List<DataFile> files = new ArrayList<>();
    try {
      collect(root.getFileSystem(conf), root, new HashMap<>(), files, Integer.MAX_VALUE);
    } catch (FileNotFoundException e) {
      return List.of();
    }
    return files.stream().map(DataFile::status).toList();
  }

  /** The named columns (missing in the file: null) and FILE of every row of one data file, in file order. */
  public static void readFile(Path file, StructType columns, Configuration conf, Consumer<Row> out)
      throws IOException {
    MessageType fileSchema;
    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      fileSchema = footer.getFooter().getFileMetaData().getSchema();
    }
    read(new DataFile(file, Map.of(), null), fileSchema, columns.add(FILE, DataTypes.StringType, false), conf, out);
  }

  /** A data file, the partition values its folders give, and its listing (null where not kept). */
  private record DataFile(Path path, Map<String, String> partitions, FileStatus status) {}

  /** The table's data files below dir; false once there are more than limit. */
  private static boolean collect(FileSystem fs, Path dir, Map<String, String> partitions, List<DataFile> files,
      int limit) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (s.isDirectory()) {
        int eq = name.indexOf('=');
        Map<String, String> below = new HashMap<>(partitions);
        if (eq > 0) {
          below.put(name.substring(0, eq), org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils
              .unescapePathName(name.substring(eq + 1)));
        }
        if (!collect(fs, s.getPath(), below, files, limit)) {
          return false;
        }
      } else if (s.getLen() > 0) {
        files.add(new DataFile(s.getPath(), partitions, s));
        if (files.size() > limit) {
          return false;
        }
      }
    }
    return true;
  }

  private static void read(DataFile file, MessageType fileSchema, StructType schema, Configuration conf,
      Consumer<Row> out) throws IOException {
    List<Type> projected = new ArrayList<>();
    for (StructField c : schema.fields()) {
      if (fileSchema.containsField(c.name())) {
        projected.add(fileSchema.getType(c.name()));
      }
    }
    Configuration projection = new Configuration(conf);
    projection.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(fileSchema.getName(), projected).toString());
    String path = file.path().toString();
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file.path())
        .withConf(projection).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        Object[] values = new Object[schema.size()];
        for (int i = 0; i < schema.size() - 1; i++) {
          StructField c = schema.fields()[i];
          values[i] = fileSchema.containsField(c.name()) ? value(g, c.name(), c.dataType())
              : file.partitions().get(c.name());
        }
        values[schema.size() - 1] = path;
        out.accept(new GenericRowWithSchema(values, schema));
      }
    }
  }

  /** A column's value as a Spark Row holds it (Spark's own Parquet types: what the job writes). */
  private static Object value(Group g, String name, DataType type) {
    if (g.getFieldRepetitionCount(name) == 0) {
      return null;
    }
    if (type.equals(DataTypes.StringType)) {
      return g.getString(name, 0);
    } else if (type.equals(DataTypes.LongType)) {
      return g.getLong(name, 0);
    } else if (type.equals(DataTypes.IntegerType)) {
      return g.getInteger(name, 0);
    } else if (type.equals(DataTypes.DoubleType)) {
      return g.getDouble(name, 0);
    } else if (type.equals(DataTypes.BooleanType)) {
      return g.getBoolean(name, 0);
    } else if (type.equals(DataTypes.TimestampType)) {
      return timestamp(g, name);
    }
    throw new IllegalArgumentException("column " + name + " of type " + type + " is not read on the driver");
  }

  /** Spark's INT96 (Julian day and nanoseconds of the day, little-endian) or INT64 micro/milliseconds. */
  private static Timestamp timestamp(Group g, String name) {
    PrimitiveType type = g.getType().getType(name).asPrimitiveType();
    long nanos;
    if (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96) {
      ByteBuffer b = g.getInt96(name, 0).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long ofDay = b.getLong();
      long day = Integer.toUnsignedLong(b.getInt());
      nanos = (day - JULIAN_DAY_OF_EPOCH) * NANOS_PER_DAY + ofDay;
    } else {
      long v = g.getLong(name, 0);
      boolean millis = type.getLogicalTypeAnnotation()
          instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t
          && t.getUnit() == LogicalTypeAnnotation.TimeUnit.MILLIS;
      nanos = millis ? v * 1_000_000L : v * 1_000L;
    }
    Timestamp t = new Timestamp(Math.floorDiv(nanos, 1_000_000L));
    t.setNanos((int) Math.floorMod(nanos, 1_000_000_000L));
    return t;
  }
}
