package dev.p2g.job.cli;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.field.FieldCodec;
import dev.p2g.io.OutputLayout;
import dev.p2g.job.sources.InputFormat;
import dev.p2g.pyramid.PyramidLayout;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import dev.p2g.sources.TableImages;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The job's options as typed values: {@link #parse} reads the command line and the configuration
 * file through the declarations of {@link OptionTable}, then derives the paths each command implies.
 */
public record JobConfig(
    Command command,
    List<String> inputs,
    String output,
    String fields,
    String errors,
    String model,
    List<Scale> scales,
    DevicePolicy device,
    OutputFormat format,
    PyramidLayout pyramidLayout,
    int shardSize,
    long maxPixels,
    double maxErrorFraction,
    AlphaPolicy alpha,
    FieldCodec codec,
    int ortThreads,
    int partitions,
    int renderBatch,
    int encodeBatch,
    long commitEvery,
    int tile,
    int progressSeconds,
    boolean report,
    boolean verifySources,
    String master,
    Map<String, String> sparkConf,
    InputFormat inputFormat,
    TableImages table,
    ModelPrecision modelPrecision) {

  /** The three commands of DESIGN.md. */
  public enum Command { RUN, ENCODE, RENDER }

  /** Compressed files are far smaller than their pixels; this only stops absurd inputs early. */
  public static final long MAX_FILE_BYTES = 1L << 30;

  /** Where --config defaults from (bin/p2g points it at conf/p2g.properties). */
  public static final String CONFIG_ENV = "P2G_CONFIG";

  public static JobConfig parse(String[] args) throws UsageException {
    return parse(args, System.getenv(CONFIG_ENV));
  }

  /** defaultConfig: the configuration file to read when --config is not given (null: none). */
  public static JobConfig parse(String[] args, String defaultConfig) throws UsageException {
    if (args.length == 0) {
      throw new UsageException("no command given; expected run, encode, render or serve");
    }
    if (List.of("--help", "-h", "help").contains(args[0])) {
      throw new CommandLineOptions.HelpRequested();
    }
    Command command;
    try {
      command = Command.valueOf(args[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("unknown command '" + args[0] + "'; expected run, encode, render or serve");
    }
    Map<String, List<String>> opts;
    try {
      opts = CommandLineOptions.parse(args, 1);
    } catch (CommandLineOptions.HelpRequested h) {
      throw new CommandLineOptions.HelpRequested(command);
    }
    CommandLineOptions.checkKnown(opts, command);
    String configFile = OptionTable.CONFIG.get(command, opts);
    if (configFile == null && defaultConfig != null && !defaultConfig.isBlank()) {
      configFile = defaultConfig;
    }
    if (configFile != null) {
      ConfigFile.merge(configFile, command, opts);
    }
    return fromOptions(command, opts);
  }

  private static JobConfig fromOptions(Command command, Map<String, List<String>> o) throws UsageException {
    List<String> inputs = OptionTable.INPUT.get(command, o);
    String output = OptionTable.OUTPUT.get(command, o);
    String fields = OptionTable.FIELDS.get(command, o);
    String errors = OptionTable.ERRORS.get(command, o);
    List<Scale> scales = OptionTable.SCALES.get(command, o);
    InputFormat inputFormat = OptionTable.INPUT_FORMAT.get(command, o);
    switch (command) {
      case RUN -> {
        fields = new OutputLayout(output).fields();
        errors = new OutputLayout(output).errors();
      }
      case ENCODE -> errors = errors != null ? errors : siblingOf(fields, OutputLayout.ERRORS);
      case RENDER -> errors = new OutputLayout(output).errors();
      default -> throw new AssertionError(command);
    }
    return new JobConfig(command, inputs, output, fields, errors, OptionTable.MODEL.get(command, o), scales,
        OptionTable.DEVICE.get(command, o), OptionTable.FORMAT.get(command, o),
        OptionTable.PYRAMID_LAYOUT.get(command, o), OptionTable.SHARD_SIZE.get(command, o),
        OptionTable.MAX_PIXELS.get(command, o), OptionTable.MAX_ERROR_FRACTION.get(command, o),
        OptionTable.ALPHA.get(command, o), OptionTable.CODEC.get(command, o),
        OptionTable.ORT_THREADS.get(command, o), OptionTable.PARTITIONS.get(command, o),
        OptionTable.RENDER_BATCH.get(command, o), OptionTable.ENCODE_BATCH.get(command, o),
        OptionTable.COMMIT_EVERY.get(command, o), OptionTable.TILE.get(command, o),
        OptionTable.PROGRESS_EVERY.get(command, o), OptionTable.REPORT.get(command, o),
        OptionTable.VERIFY_SOURCES.get(command, o), OptionTable.MASTER.get(command, o),
        OptionTable.CONF.get(command, o), inputFormat, table(inputFormat, command, o),
        modelPrecision(command, o));
  }

  /** --model-precision chooses between the built-in models: with --model, only auto (the model as given). */
  private static ModelPrecision modelPrecision(Command command, Map<String, List<String>> o) throws UsageException {
    ModelPrecision precision = OptionTable.MODEL_PRECISION.get(command, o);
    if (precision != ModelPrecision.AUTO && o.containsKey(OptionTable.MODEL.name())) {
      throw new UsageException("--model-precision " + precision.cliName() + " chooses a built-in model; --model "
          + "names one already (model/quantize_int8.py makes an int8 variant of a model)");
    }
    return precision;
  }

  /** Where Parquet input tables hold their images; null for other inputs, which take no column options. */
  private static TableImages table(InputFormat format, Command command, Map<String, List<String>> o)
      throws UsageException {
    if (format == InputFormat.PARQUET) {
      return new TableImages(OptionTable.IMAGE_COLUMN.get(command, o), OptionTable.KEY_COLUMN.get(command, o),
          OptionTable.KEEP_COLUMNS.get(command, o));
    }
    for (Option<?> column : List.of(OptionTable.IMAGE_COLUMN, OptionTable.KEY_COLUMN, OptionTable.KEEP_COLUMNS)) {
      if (o.containsKey(column.name())) {
        throw new UsageException("--" + column.name() + " is for --input-format parquet, not "
            + format.cliName());
      }
    }
    return null;
  }

  /** This configuration with its output paths replaced (the driver qualifies them). */
  public JobConfig withPaths(String output, String fields, String errors) {
    return new JobConfig(command, inputs, output, fields, errors, model, scales, device, format, pyramidLayout,
        shardSize, maxPixels,
        maxErrorFraction, alpha, codec, ortThreads, partitions, renderBatch, encodeBatch, commitEvery, tile,
        progressSeconds, report, verifySources, master, sparkConf, inputFormat, table, modelPrecision);
  }

  private static String siblingOf(String uri, String name) {
    String trimmed = uri.replaceAll("/+$", "");
    int slash = trimmed.lastIndexOf('/');
    return slash < 0 ? name : trimmed.substring(0, slash + 1) + name;
  }
}
