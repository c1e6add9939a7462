package dev.p2g.job.cli;

import dev.p2g.job.cli.JobConfig.Command;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One option, declared once: its name (also its configuration-file key), value label, the
 * commands that take it, help, default and the parser that turns its text into a typed, checked
 * value. --help, the command-line split, the configuration file and {@link JobConfig} all read
 * it, so none of them repeats a name, a default or a check.
 */
public record Option<T>(String name, String value, Set<Command> commands, String help, Arity arity, Parser<T> parser,
    Set<Command> requiredBy, String defaultText, boolean defaultIsValue, T absent) {
  /** How many words follow the option on the command line. */
  enum Arity {
    /** One value; the option may appear once. */
    ONE,
    /** One value; repeating the option adds to the list ("--scales 2 --scales 4"). */
    REPEATED,
    /** Values up to the next --option, and the option may repeat ("--input a b --input c"). */
    MANY,
    /** No value: given means on; a configuration file may say true or false. */
    FLAG
  }

  /** Turns an option's text (every occurrence, in order) into its value, or says what is wrong. */
  @FunctionalInterface
  interface Parser<T> {
    T parse(String option, List<String> values) throws UsageException;
  }

  /** Parses one occurrence's text. */
  @FunctionalInterface
  interface ValueParser<T> {
    T parse(String option, String value) throws UsageException;
  }

  private static <T> Option<T> of(String name, String value, Set<Command> commands, String help, Arity arity,
      Parser<T> parser) {
    return new Option<>(name, value, commands, help, arity, parser, EnumSet.noneOf(Command.class), null, false, null);
  }

  static <T> Option<T> one(String name, String value, Set<Command> commands, String help, ValueParser<T> parser) {
    return of(name, value, commands, help, Arity.ONE, (o, vs) -> parser.parse(o, vs.get(vs.size() - 1)));
  }

  static <T> Option<T> repeated(String name, String value, Set<Command> commands, String help, Parser<T> parser) {
    return of(name, value, commands, help, Arity.REPEATED, parser);
  }

  static <T> Option<T> many(String name, String value, Set<Command> commands, String help, Parser<T> parser) {
    return of(name, value, commands, help, Arity.MANY, parser);
  }

  static Option<Boolean> flag(String name, Set<Command> commands, String help) {
    return of(name, "", commands, help, Arity.FLAG, (Parser<Boolean>) (n, vs) -> {
      String v = vs.get(vs.size() - 1).trim().toLowerCase(Locale.ROOT);
      if (!List.of("true", "on", "false", "off").contains(v)) {
        throw new UsageException("--" + n + " takes no value, or true or false in a config file; got '" + v + "'");
      }
      return v.equals("true") || v.equals("on");
    }).defaults("false");
  }

  /** Absent, the option has this value, shown in --help as "(default TEXT)". */
  Option<T> defaults(String text) {
    return new Option<>(name, value, commands, help, arity, parser, requiredBy, text, true, null);
  }

  /** Absent, the option is {@code fallback}; --help says "(default: what)" since the value alone says little. */
  Option<T> absentMeans(T fallback, String what) {
    return new Option<>(name, value, commands, help, arity, parser, requiredBy, what, false, fallback);
  }

  /** These commands refuse to start without the option ("run needs --input"). */
  Option<T> requiredBy(Command first, Command... rest) {
    return new Option<>(name, value, commands, help, arity, parser, EnumSet.of(first, rest), defaultText,
        defaultIsValue, absent);
  }

  boolean takes(Command command) {
    return commands.contains(command);
  }

  /** The default as a configuration file writes it ("512"), or null where it is not a value. */
  String defaultValue() {
    return defaultIsValue ? defaultText : null;
  }

  /** The help line's text: the help, then the default, then which commands require the option. */
  String helpWithDefault(Command command) {
    Set<Command> defaulted = EnumSet.copyOf(commands);
    defaulted.removeAll(requiredBy);
    if (command != null) {
      defaulted.retainAll(Set.of(command));
    }
    if (defaultText == null || defaulted.isEmpty() || arity == Arity.FLAG) {
      return help;
    }
    String text = "default" + (defaultIsValue ? " " : ": ") + defaultText;
    if (command == null && !requiredBy.isEmpty()) {
      text += " for " + names(defaulted) + ", required for " + names(requiredBy);
    }
    return help + " (" + text + ")";
  }

  /** This option's value for command among the options given (command line and file, merged). */
  T get(Command command, Map<String, List<String>> given) throws UsageException {
    List<String> values = given.get(name);
    if (values == null || values.isEmpty()) {
      if (requiredBy.contains(command)) {
        throw new UsageException(command.name().toLowerCase(Locale.ROOT) + " needs --" + name);
      }
      return defaultIsValue ? parser.parse(name, List.of(defaultText)) : absent;
    }
    return parser.parse(name, values);
  }

  static String names(Set<Command> commands) {
    return String.join(", ", commands.stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
  }

  // The parsers options are made of. Each names the option in its message, in one line.

  static ValueParser<String> text() {
    return (o, v) -> v.trim();
  }

  /** A parser of our own types (enums, codecs) whose IllegalArgumentException says what is wrong. */
  static <T> ValueParser<T> from(Function<String, T> parse) {
    return (o, v) -> {
      try {
        return parse.apply(v);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    };
  }

  static ValueParser<Long> longIn(long min, long max, String what) {
    return (o, v) -> {
      long n;
      try {
        n = Long.parseLong(v.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new UsageException("--" + o + " must be " + what + ", got '" + v + "'");
      }
      if (n < min) {
        throw new UsageException("--" + o + " must be " + what + ", got " + v);
      }
      if (n > max) {
        throw new UsageException("--" + o + " " + n + " is over " + max);
      }
      return n;
    };
  }

  static ValueParser<Integer> intIn(int min, int max, String what) {
    ValueParser<Long> whole = longIn(min, max, what);
    return (o, v) -> whole.parse(o, v).intValue();
  }

  static ValueParser<Integer> positiveInt() {
    return intIn(1, Integer.MAX_VALUE, "a positive integer");
  }

  static ValueParser<Double> fraction() {
    return (o, v) -> {
      double d;
      try {
        d = Double.parseDouble(v.trim());
      } catch (NumberFormatException e) {
        throw new UsageException("--" + o + " must be a number between 0 and 1, got '" + v + "'");
      }
      if (!(d >= 0 && d <= 1)) {
        throw new UsageException("--" + o + " must be between 0 and 1, got " + v);
      }
      return d;
    };
  }

  /** --report on|off. */
  static ValueParser<Boolean> onOff() {
    return (o, v) -> {
      String w = v.trim().toLowerCase(Locale.ROOT);
      if (!w.equals("on") && !w.equals("off")) {
        throw new UsageException("--" + o + " takes on or off, got '" + w + "'");
      }
      return w.equals("on");
    };
  }

  /** Every occurrence split at commas, blanks dropped: "--input a,b --input c". */
  static Parser<List<String>> commaList() {
    return (o, vs) -> {
      List<String> out = new ArrayList<>();
      for (String v : vs) {
        for (String part : v.split(",")) {
          if (!part.isBlank()) {
            out.add(part.trim());
          }
        }
      }
      return List.copyOf(out);
    };
  }

  /** KEY=VALUE occurrences, later keys winning: --conf spark.x=1. */
  static Parser<Map<String, String>> keyValues() {
    return (o, vs) -> {
      Map<String, String> out = new LinkedHashMap<>();
      for (String kv : vs) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new UsageException("--" + o + " takes KEY=VALUE, got '" + kv + "'");
        }
        out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
      }
      return out;
    };
  }
}
