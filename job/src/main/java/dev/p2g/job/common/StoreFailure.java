package dev.p2g.job.common;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * Tells a store that kept failing (S3 answering 5xx or SlowDown, connections reset or timing out)
 * after S3A's own retries from every other reason a run stops, and says it in one line: the
 * settings that bounded the retries, and that a re-run loses nothing (what was committed stays;
 * the rest is done again). Recognised from class names and messages, not types: hadoop-aws is
 * optional on a cluster that reads HDFS, and a task's failure reaches the driver as text.
 */
public final class StoreFailure {
  /** S3A's retry settings, with hadoop-aws 3.4+'s defaults (docs/operations.md, "Faults and retries"). */
  private static final String[][] RETRIES = {
      {"fs.s3a.attempts.maximum", "5"}, {"fs.s3a.retry.limit", "7"}, {"fs.s3a.retry.throttle.limit", "20"}};
  private static final Pattern STATUS = Pattern.compile("Status Code: (5\\d\\d)");
  private static final Pattern CODE = Pattern.compile("(?:Error Code: |\\):)(SlowDown|InternalError|ServiceUnavailable"
      + "|[A-Za-z]+Timeout|[A-Za-z]*Unavailable)");
  private static final Pattern NETWORK = Pattern.compile("org\\.apache\\.hadoop\\.fs\\.s3a\\.(AWSClientIOException"
      + "|AWSApiCallTimeoutException|AWSNoResponseException)|Connection reset|Unable to execute HTTP request");

  private StoreFailure() {}

  /** The line to print when t is (or was caused by) a store failing past S3A's retries. */
  public static Optional<String> describe(Throwable t, Configuration hadoop) {
    StringBuilder text = new StringBuilder();
    boolean s3a = false;
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      text.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
      s3a |= c.getClass().getName().startsWith("org.apache.hadoop.fs.s3a.");
      if (text.length() > 200_000) {
        break;
      }
    }
    String all = text.toString();
    s3a |= all.contains("org.apache.hadoop.fs.s3a.") || all.contains("s3a://");
    if (!s3a) {
      return Optional.empty();
    }
    Matcher status = STATUS.matcher(all);
    String answer;
    if (status.find()) {
      Matcher code = CODE.matcher(all);
      answer = "S3 answered " + status.group(1) + (code.find() ? " " + code.group(1) : "");
    } else if (NETWORK.matcher(all).find()) {
      answer = "requests to S3 failed without an answer (connections reset or timed out)";
    } else {
      return Optional.empty();
    }
    StringBuilder settings = new StringBuilder();
    for (String[] s : RETRIES) {
      settings.append(settings.length() == 0 ? "" : ", ").append(s[0]).append('=').append(hadoop.get(s[0], s[1]));
    }
    return Optional.of("the store failed: " + answer + " after S3A's retries (" + settings
        + "). What was committed is kept: run the same command again once the store is well and it does"
        + " the rest; to ride out longer faults raise those settings (docs/operations.md, \"Faults and retries\")");
  }
}
