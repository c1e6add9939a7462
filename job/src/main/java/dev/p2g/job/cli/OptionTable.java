package dev.p2g.job.cli;

import static dev.p2g.job.cli.JobConfig.Command.ENCODE;
import static dev.p2g.job.cli.JobConfig.Command.RENDER;
import static dev.p2g.job.cli.JobConfig.Command.RUN;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelSource;
import dev.p2g.field.FieldCodec;
import dev.p2g.field.FieldCodecs;
import dev.p2g.io.CliNames;
import dev.p2g.job.cli.JobConfig.Command;
import dev.p2g.job.common.TaskSizing;
import dev.p2g.job.sources.InputFormat;
import dev.p2g.pyramid.PyramidLayout;
import dev.p2g.pyramid.ShardSink;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import dev.p2g.spark.EncodeSettings;
import dev.p2g.spark.RenderSettings;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every option of the command line, declared once (name and file key, value, commands, help,
 * default, parser and checks), and the --help text made from them.
 */
public final class OptionTable {
  private static final Set<Command> ALL = EnumSet.allOf(Command.class);
  private static final Set<Command> ENCODING = EnumSet.of(RUN, ENCODE);
  private static final Set<Command> RENDERING = EnumSet.of(RUN, RENDER);

  /** Fields per render batch, at most: one batch's outputs are also capped by pixels. */
  static final int MAX_RENDER_BATCH = 4096;
  /** Model inputs per ONNX run, at most: each holds its input, field and activations at once. */
  static final int MAX_ENCODE_BATCH = 256;
  /** A tile must hold more than its halo: smaller tiles would do most of their work twice. */
  static final int MIN_TILE = 32;
  static final int MAX_TILE = 1 << 14;

  static final Option<List<String>> INPUT = Option.many("input", "URI...", ENCODING,
      "image files or folders (recursive); repeatable or comma-separated", Option.commaList())
      .absentMeans(List.of(), null).requiredBy(RUN, ENCODE);
  static final Option<String> OUTPUT = Option.one("output", "URI", RENDERING,
      "output root: fields/, pyramid/, manifest/, errors/, report/", Option.text()).requiredBy(RUN, RENDER);
  static final Option<String> FIELDS = Option.one("fields", "URI", EnumSet.of(ENCODE, RENDER),
      "fields folder (encode writes it, render reads it)", Option.text()).requiredBy(ENCODE, RENDER);
  static final Option<String> ERRORS = Option.one("errors", "URI", EnumSet.of(ENCODE), "errors folder",
      Option.text()).absentMeans(null, "beside --fields");
  static final Option<String> MODEL = Option.one("model", "URI", ENCODING, "ONNX model", Option.text())
      .absentMeans(ModelSource.BUILTIN_DEFAULT, "the built-in default model");
  static final Option<List<Scale>> SCALES = Option.repeated("scales", "LIST", RENDERING,
      "comma-separated scales: 2, 2.5, 0.5, 2x3 (x then y)", OptionTable::scales)
      .defaults("2,3,4").requiredBy(RENDER);
  static final Option<ModelPrecision> MODEL_PRECISION = Option.one("model-precision", CliNames.label(ModelPrecision.class), ENCODING,
      "which built-in model encodes: the float one, or its int8 variant (faster on CPUs); auto is fp32 until"
          + " the int8 model meets its bars (docs/benchmarks.md)", Option.from(ModelPrecision::parse))
      .defaults(ModelPrecision.AUTO.cliName());
  static final Option<DevicePolicy> DEVICE = Option.one("device", CliNames.label(DevicePolicy.class), ALL,
      "where models and renderers run", Option.from(DevicePolicy::parse)).defaults(DevicePolicy.AUTO.cliName());
  static final Option<OutputFormat> FORMAT = Option.one("format", CliNames.label(OutputFormat.class), RENDERING, "pyramid image format",
      Option.from(OutputFormat::parse)).defaults("png");
  static final Option<PyramidLayout> PYRAMID_LAYOUT = Option.one("pyramid-layout", CliNames.label(PyramidLayout.class),
      RENDERING, "pyramid storage: a file per image, WebDataset tar shards, or Parquet files of images",
      Option.from(PyramidLayout::parse)).defaults(PyramidLayout.FILES.cliName());
  static final Option<Integer> SHARD_SIZE = Option.one("shard-size", "N", RENDERING,
      "images per shard of the webdataset and parquet layouts, a shard also closing at about "
          + (ShardSink.MAX_SHARD_BYTES >> 20) + " MB", Option.positiveInt())
      .defaults(Integer.toString(RenderSettings.DEFAULT_SHARD_SIZE));
  static final Option<Long> MAX_PIXELS = Option.one("max-pixels", "N", ENCODING,
      "refuse larger images before decoding", Option.longIn(1, Long.MAX_VALUE, "a positive integer"))
      .defaults(Long.toString(ImageDecoder.DEFAULT_MAX_PIXELS));
  /** Failures above half the images mean something systemic (wrong input, wrong model). */
  static final Option<Double> MAX_ERROR_FRACTION = Option.one("max-error-fraction", "F", ALL,
      "exit 1 if a larger fraction of images fails", Option.fraction()).defaults("0.5");
  static final Option<AlphaPolicy> ALPHA = Option.one("alpha", CliNames.label(AlphaPolicy.class), ENCODING,
      "alpha: composite over black or white, or refuse the image", Option.from(AlphaPolicy::parse))
      .defaults(AlphaPolicy.DEFAULT.cliName());
  static final Option<FieldCodec> CODEC = Option.one("codec", "q8|f16|f32", ENCODING,
      "field codec: q8 quantised planes, f16 half floats, f32 exact", Option.from(FieldCodecs::byName))
      .defaults(FieldCodecs.DEFAULT);
  /** One ORT thread per Spark task: Spark already runs a task per core. */
  static final Option<Integer> ORT_THREADS = Option.one("ort-threads", "N", ENCODING,
      "ONNX Runtime intra-op threads per task", Option.positiveInt()).defaults("1");
  static final Option<Integer> PARTITIONS = Option.one("partitions", "N", ENCODING, "encode partitions",
      Option.positiveInt()).absentMeans(0, "from the image count");
  static final Option<Integer> RENDER_BATCH = Option.one("render-batch", "N", RENDERING,
      "fields rendered together", Option.intIn(1, MAX_RENDER_BATCH, "a positive integer"))
      .absentMeans(0, "32 on a GPU, 1 on the CPU");
  static final Option<Integer> ENCODE_BATCH = Option.one("encode-batch", "N", ENCODING,
      "same-sized images or tiles per model run", Option.intIn(1, MAX_ENCODE_BATCH, "a positive integer"))
      .absentMeans(0, EncodeSettings.DEFAULT_GPU_BATCH + " on a GPU, " + EncodeSettings.DEFAULT_CPU_BATCH
          + " on the CPU");
  static final Option<Integer> TILE = Option.one("tile", "N", ENCODING,
      "encode larger images in tiles of N x N LR pixels, render them in bands",
      Option.intIn(MIN_TILE, MAX_TILE, "between " + MIN_TILE + " and " + MAX_TILE)).defaults(Integer.toString(FieldEncoder.DEFAULT_TILE));
  static final Option<InputFormat> INPUT_FORMAT = Option.one("input-format", CliNames.label(InputFormat.class), ENCODING,
      "what --input holds: image files, Parquet tables with an image column, or WebDataset .tar shards",
      Option.from(InputFormat::parse)).defaults(InputFormat.FILES.cliName());
  static final Option<String> IMAGE_COLUMN = Option.one("image-column", "NAME", ENCODING,
      "parquet input: the image column, binary or a struct with a binary 'bytes' field", Option.text())
      .defaults("image");
  static final Option<String> KEY_COLUMN = Option.one("key-column", "NAME", ENCODING,
      "parquet input: the column of image keys (string or integer)", Option.text())
      .absentMeans(null, "the image struct's 'path', else the file and the row's index in it");
  static final Option<List<String>> KEEP_COLUMNS = Option.many("keep-columns", "NAME...", ENCODING,
      "parquet input: columns whose values each image carries into fields/ and manifest/ (attributes)",
      Option.commaList()).absentMeans(List.of(), "none");
  static final Option<Boolean> VERIFY_SOURCES = Option.flag("verify-sources", ENCODING,
      "hash every source with a field to find changes, instead of trusting an unchanged listing (size,"
          + " modification time, ETag)");
  static final Option<Long> COMMIT_EVERY = Option.one("commit-every", "N", ALL,
      "images per committed chunk, what a killed run can lose", Option.longIn(1, Long.MAX_VALUE,
          "a positive integer"))
      .absentMeans(0L, TaskSizing.WAVES + " waves of tasks of " + TaskSizing.IMAGES_PER_PARTITION
          + " images, more when small: about " + (TaskSizing.TASK_SOURCE_BYTES >> 20) + " MB of sources a task,"
          + " at most " + TaskSizing.MAX_IMAGES_PER_PARTITION + " images");
  /** Often enough to see a run move, rarely enough that hours of it stay readable. */
  static final Option<Integer> PROGRESS_EVERY = Option.one("progress-every", "SECONDS", ALL,
      "seconds between progress lines, 0 for none", Option.intIn(0, Integer.MAX_VALUE, "0 or more"))
      .defaults("10");
  static final Option<Boolean> REPORT = Option.one("report", "on|off", RENDERING,
      "write report/summary.json and report/index.html", Option.onOff()).defaults("on");
  static final Option<String> MASTER = Option.one("master", "URL", ALL,
      "Spark master when not under spark-submit", Option.text()).absentMeans(null, "local[*]");
  static final Option<Map<String, String>> CONF = Option.repeated("conf", "KEY=VALUE", ALL,
      "Spark/Hadoop setting, as spark-submit takes it; repeatable", Option.keyValues())
      .absentMeans(Map.of(), null);
  static final Option<String> CONFIG = Option.one("config", "FILE", ALL,
      "options from a properties file, the command line winning", Option.text())
      .absentMeans(null, "$" + JobConfig.CONFIG_ENV);

  public static final List<Option<?>> OPTIONS = List.of(INPUT, INPUT_FORMAT, IMAGE_COLUMN, KEY_COLUMN, KEEP_COLUMNS, OUTPUT,
      FIELDS, ERRORS, MODEL, MODEL_PRECISION, SCALES, DEVICE, FORMAT, PYRAMID_LAYOUT, SHARD_SIZE, MAX_PIXELS, MAX_ERROR_FRACTION,
      ALPHA, CODEC, ORT_THREADS, PARTITIONS, RENDER_BATCH, ENCODE_BATCH, TILE,
      VERIFY_SOURCES, COMMIT_EVERY, PROGRESS_EVERY, REPORT, MASTER, CONF, CONFIG);

  private static final String SYNOPSIS = String.join("\n",
      "  run     --input URI... --output URI [--scales 2,3,4] [options]   encode, then render",
      "  encode  --input URI... --fields URI [options]                    images to stored fields",
      "  render  --fields URI --output URI --scales LIST [options]         stored fields to a pyramid",
      "  serve   --fields URI [--port 8182] [--host 127.0.0.1]            stored fields over the IIIF Image API"
          + " (p2g serve --help)");

  private OptionTable() {}

  static Option<?> find(String name) {
    return OPTIONS.stream().filter(o -> o.name().equals(name)).findFirst().orElse(null);
  }

  static boolean allowed(Command command, String name) {
    Option<?> o = find(name);
    return o != null && o.takes(command);
  }

  /** Scales, their repeats joined: a level given twice is rendered once. */
  private static List<Scale> scales(String option, List<String> values) throws UsageException {
    List<Scale> scales = new ArrayList<>();
    for (String part : String.join(",", values).split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        Scale s = Scale.parse(part);
        if (scales.stream().noneMatch(x -> x.level().equals(s.level()))) {
          scales.add(s);
        }
      } catch (IllegalArgumentException e) {
        throw new UsageException("--" + option + ": " + e.getMessage());
      }
    }
    if (scales.isEmpty()) {
      throw new UsageException("--" + option + " lists no scale");
    }
    return List.copyOf(scales);
  }

  /** p2g --help: the commands, then every option with the commands that take it. */
  static String usage() {
    StringBuilder b = new StringBuilder("usage: p2g <command> [options]   (p2g <command> --help for one command)\n");
    b.append("commands:\n").append(SYNOPSIS).append("\noptions:\n");
    for (Option<?> o : OPTIONS) {
      line(b, o, o.helpWithDefault(null)
          + (o.commands().size() == ALL.size() ? "" : " [" + Option.names(o.commands()) + "]"));
    }
    return b.toString().stripTrailing();
  }

  /** p2g COMMAND --help: that command's options only. */
  static String usage(Command command) {
    String name = command.name().toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder("usage: p2g " + name + " [options]\n");
    SYNOPSIS.lines().filter(l -> l.trim().startsWith(name + " ")).forEach(l -> b.append(l).append('\n'));
    b.append("options:\n");
    for (Option<?> o : OPTIONS) {
      if (o.takes(command)) {
        line(b, o, o.helpWithDefault(command));
      }
    }
    return b.toString().stripTrailing();
  }

  private static void line(StringBuilder b, Option<?> o, String text) {
    String left = "  --" + o.name() + " " + o.value();
    b.append(left.length() < 26 ? String.format("%-26s", left) : left + "\n" + " ".repeat(26))
        .append(text).append('\n');
  }
}
