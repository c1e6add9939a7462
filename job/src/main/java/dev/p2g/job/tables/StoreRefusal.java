package dev.p2g.job.tables;

import java.util.regex.Pattern;

/**
 * An S3-compatible store's answer that it leaves a call out (HTTP 501, NotImplemented), told from
 * the exception S3A raises, in both AWS SDKs (hadoop-aws 3.4+ names it
 * AWSUnsupportedFeatureException; 3.3 only says so in the message).
 */
final class StoreRefusal {
  private static final Pattern NOT_IMPLEMENTED = Pattern.compile("Status Code: 501\\b|NotImplemented");

  private StoreRefusal() {}

  static boolean notImplemented(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getSimpleName().equals("AWSUnsupportedFeatureException")
          || (t.getMessage() != null && NOT_IMPLEMENTED.matcher(t.getMessage()).find())) {
        return true;
      }
    }
    return false;
  }
}
