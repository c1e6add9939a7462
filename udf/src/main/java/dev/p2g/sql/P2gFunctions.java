package dev.p2g.sql;

import dev.p2g.tables.FieldTable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The product as SQL functions, registered in a session with one call, for SQL, DataFrames and
 * PySpark ({@code spark._jvm.dev.p2g.sql.P2gFunctions.register(spark._jsparkSession)}):
 *
 * <pre>
 * p2g_render(field, scale)             BINARY  PNG of a stored field at a scale ('2', '0.5', '2x3')
 * p2g_render_as(field, scale, format)  BINARY  the same as 'png' or 'jpg'
 * p2g_render_size(field, scale)        STRUCT&lt;width, height&gt;  what p2g_render makes, without rendering
 * p2g_encode(content)                  STRUCT  image bytes to a field row, with the default model
 * p2g_encode_with(content, model)      STRUCT  the same with an ONNX model URI
 * p2g_field_info(field)                STRUCT&lt;model_id, k, width, height, codec, bytes, tiled&gt;
 * </pre>
 *
 * A field is a fields/ row as a struct ({@code struct(*)}) or p2g_encode's result. Spark's Java
 * and Python UDFs have a fixed number of arguments on Spark 3.5 and 4.x alike, so an optional
 * argument is a second name (_as, _with) rather than an overload. A bad argument, or a tiled
 * image's row, fails the query with a message that says what to do; no function returns a wrong
 * image. Rendering runs on the CPU, row by row (the render command batches fields on a GPU).
 */
public final class P2gFunctions {
  public static final String RENDER = "p2g_render";
  public static final String RENDER_AS = "p2g_render_as";
  public static final String RENDER_SIZE = "p2g_render_size";
  public static final String ENCODE = "p2g_encode";
  public static final String ENCODE_WITH = "p2g_encode_with";
  public static final String FIELD_INFO = "p2g_field_info";

  private P2gFunctions() {}

  /** Registers every function in spark's session; the session's Hadoop settings reach the encoders. */
  public static void register(SparkSession spark) {
    Broadcast<SerializableConfiguration> conf = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    spark.udf().register(RENDER, (UDF2<Row, String, byte[]>) (field, scale) ->
        FieldFunctions.render(RENDER, field, scale, null), DataTypes.BinaryType);
    spark.udf().register(RENDER_AS, (UDF3<Row, String, String, byte[]>) (field, scale, format) -> {
      if (format == null) {
        throw new IllegalArgumentException(RENDER_AS + ": the format is null (expected 'png' or 'jpg')");
      }
      return FieldFunctions.render(RENDER_AS, field, scale, format);
    }, DataTypes.BinaryType);
    spark.udf().register(RENDER_SIZE, (UDF2<Row, String, Row>) (field, scale) ->
        FieldFunctions.size(RENDER_SIZE, field, scale), FieldFunctions.SIZE);
    spark.udf().register(FIELD_INFO, (UDF1<Row, Row>) field -> FieldFunctions.info(FIELD_INFO, field),
        FieldFunctions.INFO);
    // Encoding is marked nondeterministic (it stamps encoded_at) so that the optimiser never
    // copies one call into several places of a plan and runs the model more than once a row.
    spark.udf().register(ENCODE, functions.udf((UDF1<byte[], Row>) content ->
        EncodeFunction.encode(ENCODE, content, null, conf.value().value()), FieldTable.SCHEMA).asNondeterministic());
    spark.udf().register(ENCODE_WITH, functions.udf((UDF2<byte[], String, Row>) (content, model) -> {
      if (model == null) {
        throw new IllegalArgumentException(ENCODE_WITH + ": the model is null (expected an ONNX model URI)");
      }
      return EncodeFunction.encode(ENCODE_WITH, content, model, conf.value().value());
    }, FieldTable.SCHEMA).asNondeterministic());
  }
}
