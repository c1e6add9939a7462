# PySpark: the p2g SQL functions over stored fields and over image files.
#   spark-submit --jars job/target/p2g-job-0.1.0-SNAPSHOT-spark.jar docs/examples/p2g_functions.py
from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("p2g functions").getOrCreate()
spark._jvm.dev.p2g.sql.P2gFunctions.register(spark._jsparkSession)

fields = spark.read.parquet("out/sample/fields")
fields.createOrReplaceTempView("fields")
spark.sql("""
    SELECT key, p2g_field_info(struct(*)) AS info, p2g_render_size(struct(*), '3') AS size
    FROM fields
""").show(truncate=False)

# Any scale, from the stored fields alone: a PNG per row, kept in a table of your own.
(fields.where("width >= 128")
    .selectExpr("key", "p2g_render(struct(*), '3') AS png")
    .write.mode("overwrite").parquet("out/sample-x3"))

# Straight from image bytes: encode, then render, in one query.
(spark.read.format("binaryFile").load("sample-data/images/*.png")
    .selectExpr("path", "p2g_render_as(p2g_encode(content), '0.5', 'jpg') AS jpg")
    .write.mode("overwrite").parquet("out/sample-thumbnails"))
