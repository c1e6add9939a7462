package dev.p2g.job.serve;

import dev.p2g.job.cli.UsageException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of p2g serve. Defaults are safe ones: loopback only, outputs of at most 8 times
 * the source's side and 4096 x 4096 pixels, as many renders at once as cores and a short queue
 * behind them (a viewer asks for a screenful of tiles at once), a quarter of the heap for fields.
 */
public record ServeOptions(String fields, String host, int port, int threads, int queue, long cacheBytes,
    long maxArea, double maxScale, int refreshSeconds, Map<String, String> hadoopConf) {

  public static final String USAGE = String.join("\n",
      "usage: p2g serve --fields URI [options]   an IIIF Image API 3.0 server over stored fields",
      "options:",
      "  --fields URI              the fields/ table (file:, hdfs://, s3a://); required",
      "  --host ADDRESS            address to listen on (default 127.0.0.1: this machine only)",
      "  --port N                  port (default 8182; 0 picks a free one)",
      "  --threads N               images rendered at once (default: the cores)",
      "  --queue N                 requests waiting for a render thread before 503 (default 32)",
      "  --cache-mb N              decoded fields kept, in MiB (default: a quarter of the heap)",
      "  --max-area N              largest output in pixels (default 16777216, 4096 x 4096)",
      "  --max-scale X             largest output side over the source's (default 8)",
      "  --refresh-seconds N       how often fields/ is listed again for new images (default 60; 0: never)",
      "  --conf KEY=VALUE          a Hadoop setting (spark.hadoop.KEY as for the job, or KEY); repeatable");

  private static final Set<String> KNOWN = Set.of("fields", "host", "port", "threads", "queue", "cache-mb",
      "max-area", "max-scale", "refresh-seconds");

  /** Whether the arguments ask for the usage rather than a server. */
  public static boolean helpRequested(String[] args) {
    return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
  }

  /** Parses the arguments after "serve" (options from index from on). */
  public static ServeOptions parse(String[] args, int from) throws UsageException {
    Map<String, String> o = new LinkedHashMap<>();
    Map<String, String> conf = new LinkedHashMap<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        throw new UsageException("unexpected argument '" + a + "' (options start with --)");
      }
      int eq = a.indexOf('=');
      String name = eq > 0 ? a.substring(2, eq) : a.substring(2);
      String value;
      if (eq > 0) {
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        throw new UsageException("--" + name + " needs a value");
      }
      if (name.equals("conf")) {
        int kv = value.indexOf('=');
        if (kv <= 0) {
          throw new UsageException("--conf " + value + ": expected KEY=VALUE");
        }
        String key = value.substring(0, kv);
        conf.put(key.startsWith("spark.hadoop.") ? key.substring("spark.hadoop.".length()) : key,
            value.substring(kv + 1));
      } else if (o.put(name, value) != null) {
        throw new UsageException("--" + name + " given twice");
      }
    }
    ServeOptions parsed = new ServeOptions(required(o, "fields"), o.getOrDefault("host", "127.0.0.1"),
        whole(o, "port", 8182, 0, 65535), whole(o, "threads", Runtime.getRuntime().availableProcessors(), 1, 1024),
        whole(o, "queue", 32, 0, 100_000),
        (long) whole(o, "cache-mb", (int) (Runtime.getRuntime().maxMemory() / 4 >> 20), 0, Integer.MAX_VALUE) << 20,
        whole(o, "max-area", 4096 * 4096, 1, Integer.MAX_VALUE), scale(o), whole(o, "refresh-seconds", 60, 0,
            86_400), Map.copyOf(conf));
    for (String name : o.keySet()) {
      if (!KNOWN.contains(name)) {
        throw new UsageException("unknown option --" + name + " for serve");
      }
    }
    return parsed;
  }

  private static String required(Map<String, String> o, String name) throws UsageException {
    String v = o.get(name);
    if (v == null || v.isBlank()) {
      throw new UsageException("serve needs --" + name);
    }
    return v;
  }

  private static int whole(Map<String, String> o, String name, int absent, int min, int max) throws UsageException {
    String v = o.get(name);
    if (v == null) {
      return absent;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new UsageException("--" + name + " " + v + ": expected a whole number from " + min + " to " + max);
  }

  private static double scale(Map<String, String> o) throws UsageException {
    String v = o.getOrDefault("max-scale", "8");
    try {
      double s = Double.parseDouble(v.trim().toLowerCase(Locale.ROOT));
      if (s >= 1 && s <= 64) {
        return s;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new UsageException("--max-scale " + v + ": expected a number from 1 to 64");
  }
}
