package dev.p2g.job;

import static dev.p2g.job.JobConfig.Command.ENCODE;
import static dev.p2g.job.JobConfig.Command.RENDER;
import static dev.p2g.job.JobConfig.Command.RUN;

import dev.p2g.job.JobConfig.Command;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every option of the command line, which commands take it, and its help line: the one list
 * that --help, the known-option check and the configuration file's keys all come from.
 */
final class OptionTable {
  record Option(String name, String value, Set<Command> commands, String help) {
    boolean takes(Command c) {
      return commands.contains(c);
    }
  }

  private static final Set<Command> ALL = EnumSet.allOf(Command.class);
  private static final Set<Command> ENCODING = EnumSet.of(RUN, ENCODE);
  private static final Set<Command> RENDERING = EnumSet.of(RUN, RENDER);

  static final List<Option> OPTIONS = List.of(
      new Option("input", "URI...", ENCODING, "image files or folders (recursive); repeatable or comma-separated"),
      new Option("output", "URI", RENDERING, "output root: fields/, pyramid/, manifest/, errors/, report/"),
      new Option("fields", "URI", EnumSet.of(ENCODE, RENDER), "fields folder (encode writes it, render reads it)"),
      new Option("errors", "URI", EnumSet.of(ENCODE), "errors folder (default: beside --fields)"),
      new Option("model", "URI", ENCODING, "ONNX model (default: the built-in default model)"),
      new Option("scales", "LIST", RENDERING, "comma-separated scales: 2, 2.5, 0.5, 2x3 (x then y); default "
          + JobConfig.DEFAULT_SCALES + " for run, required for render"),
      new Option("device", "auto|cpu|cuda", ALL, "where models and renderers run (default auto)"),
      new Option("format", "png|jpg", RENDERING, "pyramid image format (default png)"),
      new Option("max-pixels", "N", ENCODING, "refuse larger images before decoding (default "
          + JobConfig.DEFAULT_MAX_PIXELS + ")"),
      new Option("max-error-fraction", "F", ALL, "exit 1 if a larger fraction of images fails (default "
          + JobConfig.DEFAULT_MAX_ERROR_FRACTION + ")"),
      new Option("alpha", "black|white|reject", ENCODING,
          "alpha: composite over black or white, or refuse the image (default black)"),
      new Option("codec", "q8|f16|f32", ENCODING,
          "field codec: q8 quantised planes, f16 half floats, f32 exact (default q8)"),
      new Option("ort-threads", "N", ENCODING, "ONNX Runtime intra-op threads per task (default "
          + JobConfig.DEFAULT_ORT_THREADS + ")"),
      new Option("partitions", "N", ENCODING, "encode partitions (default: from the image count)"),
      new Option("render-batch", "N", RENDERING, "fields rendered together (default: 32 on a GPU, 1 on the CPU)"),
      new Option("encode-batch", "N", ENCODING,
          "same-sized images or tiles per model run (default: 8 on a GPU, 1 on the CPU)"),
      new Option("tile", "N", ENCODING, "encode larger images in tiles of N x N LR pixels, render them in bands"
          + " (default " + JobConfig.DEFAULT_TILE + ")"),
      new Option("verify-sources", "", ENCODING, "hash every source with a field to find changes, instead of"
          + " trusting an unchanged listing (size, modification time, ETag)"),
      new Option("commit-every", "N", ALL,
          "images per committed chunk, what a killed run can lose (default: 4 waves of tasks of 64"
              + " images, more when small: about 16 MB of sources a task, at most 4096 images)"),
      new Option("progress-every", "SECONDS", ALL, "seconds between progress lines, 0 for none (default "
          + JobConfig.DEFAULT_PROGRESS_SECONDS + ")"),
      new Option("report", "on|off", RENDERING, "write report/summary.json and report/index.html (default on)"),
      new Option("master", "URL", ALL, "Spark master when not under spark-submit (default local[*])"),
      new Option("conf", "KEY=VALUE", ALL, "Spark/Hadoop setting, as spark-submit takes it; repeatable"),
      new Option("config", "FILE", ALL, "options from a properties file (default $P2G_CONFIG); the command line"
          + " wins"));

  private static final String SYNOPSIS = String.join("\n",
      "  run     --input URI... --output URI [--scales 2,3,4] [options]   encode, then render",
      "  encode  --input URI... --fields URI [options]                    images to stored fields",
      "  render  --fields URI --output URI --scales LIST [options]         stored fields to a pyramid");

  private OptionTable() {}

  static Option find(String name) {
    return OPTIONS.stream().filter(o -> o.name().equals(name)).findFirst().orElse(null);
  }

  static boolean allowed(Command command, String name) {
    Option o = find(name);
    return o != null && o.takes(command);
  }

  /** p2g --help: the commands, then every option with the commands that take it. */
  static String usage() {
    StringBuilder b = new StringBuilder("usage: p2g <command> [options]   (p2g <command> --help for one command)\n");
    b.append("commands:\n").append(SYNOPSIS).append("\noptions:\n");
    for (Option o : OPTIONS) {
      line(b, o, o.commands().size() == ALL.size() ? "" : " [" + names(o.commands()) + "]");
    }
    return b.toString().stripTrailing();
  }

  /** p2g COMMAND --help: that command's options only. */
  static String usage(Command command) {
    String name = command.name().toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder("usage: p2g " + name + " [options]\n");
    SYNOPSIS.lines().filter(l -> l.trim().startsWith(name + " ")).forEach(l -> b.append(l).append('\n'));
    b.append("options:\n");
    for (Option o : OPTIONS) {
      if (o.takes(command)) {
        line(b, o, "");
      }
    }
    return b.toString().stripTrailing();
  }

  private static void line(StringBuilder b, Option o, String suffix) {
    String left = "  --" + o.name() + " " + o.value();
    b.append(left.length() < 26 ? String.format("%-26s", left) : left + "\n" + " ".repeat(26))
        .append(o.help()).append(suffix).append('\n');
  }

  private static String names(Set<Command> commands) {
    return String.join(", ", commands.stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
  }
}
