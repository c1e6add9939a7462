package dev.p2g.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Splits "--name value..." arguments; JobConfig gives them meaning. */
final class CommandLineOptions {
  /** Options that take several values ("--input a b c"); all others take exactly one. */
  private static final Set<String> MULTI = Set.of("input");
  private static final Set<String> REPEATABLE = Set.of("input", "conf", "scales");
  /** Options that take no value: given means on ("--verify-sources"; "= false" in a config file turns one off). */
  static final Set<String> FLAGS = Set.of("verify-sources");
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
        i++;
      } else {
        i++;
        while (!FLAGS.contains(name) && i < args.length && !args[i].startsWith("--")) {
          values.add(args[i++]);
          if (!MULTI.contains(name)) {
            break;
          }
        }
      }
      if (name.equals("help")) {
        throw new HelpRequested();
      }
      if (values.isEmpty() && FLAGS.contains(name)) {
        values.add("true");
      }
      if (values.isEmpty()) {
        throw new UsageException("--" + name + " needs a value");
      }
      if (opts.containsKey(name) && !REPEATABLE.contains(name)) {
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

  /** A flag: absent is false; true/on and false/off where a value is given (a config file). */
  static boolean flag(Map<String, List<String>> o, String name) throws UsageException {
    String v = single(o, name, "false").trim().toLowerCase(java.util.Locale.ROOT);
    if (v.equals("true") || v.equals("on")) {
      return true;
    }
    if (v.equals("false") || v.equals("off")) {
      return false;
    }
    throw new UsageException("--" + name + " takes no value, or true or false in a config file; got '" + v + "'");
  }

  static String single(Map<String, List<String>> o, String name) {
    List<String> v = o.get(name);
    return v == null ? null : v.get(v.size() - 1);
  }

  static String single(Map<String, List<String>> o, String name, String fallback) {
    String v = single(o, name);
    return v == null ? fallback : v;
  }

  static long positiveLong(Map<String, List<String>> o, String name, long fallback) throws UsageException {
    return wholeNumber(o, name, fallback, 1, "a positive integer");
  }

  static long nonNegativeLong(Map<String, List<String>> o, String name, long fallback) throws UsageException {
    return wholeNumber(o, name, fallback, 0, "0 or more");
  }

  private static long wholeNumber(Map<String, List<String>> o, String name, long fallback, long min, String what)
      throws UsageException {
    String v = single(o, name);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be " + what + ", got '" + v + "'");
    }
    if (n < min) {
      throw new UsageException("--" + name + " must be " + what + ", got " + v);
    }
    return n;
  }

  static double fraction(Map<String, List<String>> o, String name, double fallback) throws UsageException {
    String v = single(o, name);
    if (v == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!(d >= 0 && d <= 1)) {
        throw new UsageException("--" + name + " must be between 0 and 1, got " + v);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number between 0 and 1, got '" + v + "'");
    }
  }

  /** --help anywhere: print the usage (of the command, when one was named) and exit 0. */
  static final class HelpRequested extends RuntimeException {
    private final transient JobConfig.Command command;

    HelpRequested() {
      this(null);
    }

    HelpRequested(JobConfig.Command command) {
      super(null, null, false, false);
      this.command = command;
    }

    String usage() {
      return command == null ? OptionTable.usage() : OptionTable.usage(command);
    }
  }
}
