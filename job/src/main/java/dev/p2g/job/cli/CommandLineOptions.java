package dev.p2g.job.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits "--name value..." arguments by each option's {@link Option.Arity}; the options give
 * them meaning.
 */
public final class CommandLineOptions {
  private CommandLineOptions() {}

  static Map<String, List<String>> parse(String[] args, int from) throws UsageException {
    Map<String, List<String>> opts = new LinkedHashMap<>();
    int i = from;
    while (i < args.length) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        throw new UsageException("unexpected argument '" + a + "' (options start with --)");
      }
      String name = a.substring(2);
      List<String> values = new ArrayList<>();
      int eq = name.indexOf('=');
      if (eq > 0) {
        values.add(name.substring(eq + 1));
        name = name.substring(0, eq);
      }
      if (name.equals("help")) {
        throw new HelpRequested();
      }
      Option<?> option = OptionTable.find(name);
      Option.Arity arity = option == null ? Option.Arity.ONE : option.arity();
      i++;
      if (eq <= 0 && arity != Option.Arity.FLAG) {
        while (i < args.length && !args[i].startsWith("--")) {
          values.add(args[i++]);
          if (arity != Option.Arity.MANY) {
            break;
          }
        }
      }
      if (values.isEmpty() && arity == Option.Arity.FLAG) {
        values.add("true");
      }
      if (values.isEmpty()) {
        throw new UsageException("--" + name + " needs a value");
      }
      if (opts.containsKey(name) && (arity == Option.Arity.ONE || arity == Option.Arity.FLAG)) {
        throw new UsageException("--" + name + " given twice");
      }
      opts.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values);
    }
    return opts;
  }

  static void checkKnown(Map<String, List<String>> opts, JobConfig.Command command) throws UsageException {
    for (String name : opts.keySet()) {
      if (!OptionTable.allowed(command, name)) {
        throw new UsageException("unknown option --" + name + " for " + command.name().toLowerCase()
            + "; see --help");
      }
    }
  }

  /** --help anywhere: print the usage (of the command, when one was named) and exit 0. */
  public static final class HelpRequested extends RuntimeException {
    private final transient JobConfig.Command command;

    HelpRequested() {
      this(null);
    }

    HelpRequested(JobConfig.Command command) {
      super(null, null, false, false);
      this.command = command;
    }

    public String usage() {
      return command == null ? OptionTable.usage() : OptionTable.usage(command);
    }
  }
}
