package dev.p2g.job;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.ModelSource;
import dev.p2g.field.FieldCodecs;
import dev.p2g.io.OutputLayout;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every option of the job, with its default and validation: the one place options are parsed.
 * The command line feeds it through {@link #parse}.
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
    long maxPixels,
    double maxErrorFraction,
    AlphaPolicy alpha,
    String codec,
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
    Map<String, String> sparkConf) {

  /** The three commands of DESIGN.md. */
  public enum Command { RUN, ENCODE, RENDER }

  public static final String DEFAULT_SCALES = "2,3,4";
  /**
   * 100 MP (10000 x 10000): large images are tiled, so what grows with the image is the decoded
   * raster a task holds while it encodes, 3 bytes per pixel at 8 bits (300 MB here) or 6 at 16.
   */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
  /** Failures above half the images mean something systemic (wrong input, wrong model). */
  public static final double DEFAULT_MAX_ERROR_FRACTION = 0.5;
  /** Fields per render batch, at most: one batch's outputs are also capped by pixels. */
  static final int MAX_RENDER_BATCH = 4096;
  /** Model inputs per ONNX run, at most: each holds its input, field and activations at once. */
  static final int MAX_ENCODE_BATCH = 256;
  /** One ORT thread per Spark task: Spark already runs a task per core. */
  public static final int DEFAULT_ORT_THREADS = 1;
  /** Compressed files are far smaller than their pixels; this only stops absurd inputs early. */
  public static final long MAX_FILE_BYTES = 1L << 30;

  /**
   * Images wider or taller than this (LR pixels) are encoded and stored as tiles of it, and
   * rendered band by band: 512 keeps a model run's activations near 70 MB per channel group and
   * adds 10 % of halo work with the default model's 12-pixel receptive field.
   */
  public static final int DEFAULT_TILE = 512;
  /** A tile must hold more than its halo: smaller tiles would do most of their work twice. */
  static final int MIN_TILE = 32;

  /** Often enough to see a run move, rarely enough that hours of it stay readable. */
  public static final int DEFAULT_PROGRESS_SECONDS = 10;
  /** Where --config defaults from (bin/p2g points it at conf/p2g.properties). */
  public static final String CONFIG_ENV = "P2G_CONFIG";

  public static JobConfig parse(String[] args) throws UsageException {
    return parse(args, System.getenv(CONFIG_ENV));
  }

  /** defaultConfig: the configuration file to read when --config is not given (null: none). */
  static JobConfig parse(String[] args, String defaultConfig) throws UsageException {
    if (args.length == 0) {
      throw new UsageException("no command given; expected run, encode or render");
    }
    if (List.of("--help", "-h", "help").contains(args[0])) {
      throw new CommandLineOptions.HelpRequested();
    }
    Command command;
    try {
      command = Command.valueOf(args[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("unknown command '" + args[0] + "'; expected run, encode or render");
    }
    Map<String, List<String>> opts;
    try {
      opts = CommandLineOptions.parse(args, 1);
    } catch (CommandLineOptions.HelpRequested h) {
      throw new CommandLineOptions.HelpRequested(command);
    }
    CommandLineOptions.checkKnown(opts, command);
    String configFile = CommandLineOptions.single(opts, "config");
    if (configFile == null && defaultConfig != null && !defaultConfig.isBlank()) {
      configFile = defaultConfig;
    }
    if (configFile != null) {
      ConfigFile.merge(configFile, command, opts);
    }
    return fromOptions(command, opts);
  }

  private static JobConfig fromOptions(Command command, Map<String, List<String>> o) throws UsageException {
    List<String> inputs = new ArrayList<>();
    for (String v : o.getOrDefault("input", List.of())) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          inputs.add(part.trim());
        }
      }
    }
    String output = CommandLineOptions.single(o, "output");
    String fields = CommandLineOptions.single(o, "fields");
    String errors = CommandLineOptions.single(o, "errors");
    switch (command) {
      case RUN -> {
        require(!inputs.isEmpty(), "run needs --input");
        require(output != null, "run needs --output");
        fields = new OutputLayout(output).fields();
        errors = new OutputLayout(output).errors();
      }
      case ENCODE -> {
        require(!inputs.isEmpty(), "encode needs --input");
        require(fields != null, "encode needs --fields");
        if (errors == null) {
          errors = siblingOf(fields, OutputLayout.ERRORS);
        }
      }
      case RENDER -> {
        require(fields != null, "render needs --fields");
        require(output != null, "render needs --output");
        require(o.containsKey("scales"), "render needs --scales");
        errors = new OutputLayout(output).errors();
      }
      default -> throw new AssertionError(command);
    }
    List<Scale> scales = parseScales(
        o.containsKey("scales") ? String.join(",", o.get("scales")) : DEFAULT_SCALES);
    DevicePolicy device;
    try {
      device = DevicePolicy.parse(CommandLineOptions.single(o, "device", DevicePolicy.AUTO.cliName()));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    OutputFormat format;
    try {
      format = OutputFormat.parse(CommandLineOptions.single(o, "format", "png"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    long maxPixels = CommandLineOptions.positiveLong(o, "max-pixels", DEFAULT_MAX_PIXELS);
    double maxErrorFraction = CommandLineOptions.fraction(o, "max-error-fraction", DEFAULT_MAX_ERROR_FRACTION);
    AlphaPolicy alpha;
    try {
      alpha = AlphaPolicy.parse(CommandLineOptions.single(o, "alpha", AlphaPolicy.DEFAULT.cliName()));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    String codec = CommandLineOptions.single(o, "codec", FieldCodecs.DEFAULT);
    try {
      FieldCodecs.byName(codec);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    int ortThreads = (int) CommandLineOptions.positiveLong(o, "ort-threads", DEFAULT_ORT_THREADS);
    int partitions = (int) CommandLineOptions.positiveLong(o, "partitions", 0);
    long renderBatch = CommandLineOptions.positiveLong(o, "render-batch", 0);
    require(renderBatch <= MAX_RENDER_BATCH, "--render-batch " + renderBatch + " is over " + MAX_RENDER_BATCH);
    long encodeBatch = CommandLineOptions.positiveLong(o, "encode-batch", 0);
    require(encodeBatch <= MAX_ENCODE_BATCH, "--encode-batch " + encodeBatch + " is over " + MAX_ENCODE_BATCH);
    long commitEvery = CommandLineOptions.positiveLong(o, "commit-every", 0);
    long tile = CommandLineOptions.positiveLong(o, "tile", DEFAULT_TILE);
    require(tile >= MIN_TILE && tile <= 1 << 14, "--tile must be between " + MIN_TILE + " and 16384, got " + tile);
    int progressSeconds = (int) CommandLineOptions.nonNegativeLong(o, "progress-every", DEFAULT_PROGRESS_SECONDS);
    String reportOption = CommandLineOptions.single(o, "report", "on").toLowerCase(Locale.ROOT);
    require(List.of("on", "off").contains(reportOption), "--report takes on or off, got '" + reportOption + "'");
    boolean verifySources = CommandLineOptions.flag(o, "verify-sources");
    String model = CommandLineOptions.single(o, "model", ModelSource.BUILTIN_DEFAULT);
    String master = CommandLineOptions.single(o, "master");
    Map<String, String> conf = new LinkedHashMap<>();
    for (String kv : o.getOrDefault("conf", List.of())) {
      int eq = kv.indexOf('=');
      require(eq > 0, "--conf takes KEY=VALUE, got '" + kv + "'");
      conf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
    }
    return new JobConfig(command, List.copyOf(inputs), output, fields, errors, model, scales, device, format,
        maxPixels, maxErrorFraction, alpha, codec, ortThreads, partitions, (int) renderBatch, (int) encodeBatch,
        commitEvery, (int) tile, progressSeconds, reportOption.equals("on"), verifySources,
        master, conf);
  }

  static List<Scale> parseScales(String text) throws UsageException {
    List<Scale> scales = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        Scale s = Scale.parse(part);
        if (scales.stream().noneMatch(x -> x.level().equals(s.level()))) {
          scales.add(s);
        }
      } catch (IllegalArgumentException e) {
        throw new UsageException("--scales: " + e.getMessage());
      }
    }
    require(!scales.isEmpty(), "--scales lists no scale");
    return List.copyOf(scales);
  }

  private static String siblingOf(String uri, String name) {
    String trimmed = uri.replaceAll("/+$", "");
    int slash = trimmed.lastIndexOf('/');
    return slash < 0 ? name : trimmed.substring(0, slash + 1) + name;
  }

  private static void require(boolean ok, String message) throws UsageException {
    if (!ok) {
      throw new UsageException(message);
    }
  }
}
