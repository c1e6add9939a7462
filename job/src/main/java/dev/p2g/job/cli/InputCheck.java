package dev.p2g.job.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local --input that does not exist is a typo: say so in one line, exit 2, before Spark
 * starts. Only where "local" is certain: outside spark-submit (the embedded local mode), for
 * paths without a scheme or with file:. Under spark-submit a bare path means the cluster's
 * default file system, and remote stores (s3a:, hdfs:) are checked by the driver once Spark's
 * Hadoop settings apply (exit 1).
 */
public final class InputCheck {
  private InputCheck() {}

  public static void localInputsExist(JobConfig config, boolean underSparkSubmit) throws UsageException {
    if (underSparkSubmit || config.master() != null && !config.master().startsWith("local")) {
      return;
    }
    for (String input : config.inputs()) {
      Path local = localPath(input);
      if (local != null && !Files.exists(local)) {
        throw new UsageException("--input " + input + " does not exist");
      }
    }
    if (config.command() == JobConfig.Command.RENDER) {
      Path fields = localPath(config.fields());
      if (fields != null && !Files.isDirectory(fields)) {
        throw new UsageException("--fields " + config.fields() + " is not a folder of stored fields");
      }
    }
  }

  /** The local path of uri, or null when it names another file system (or has glob characters). */
  private static Path localPath(String uri) {
    if (uri.contains("*") || uri.contains("?") || uri.contains("[") || uri.contains("{")) {
      return null; // a glob: Hadoop expands it
    }
    try {
      URI u = new URI(uri);
      if (u.getScheme() == null) {
        return Path.of(uri);
      }
      return u.getScheme().equals("file") ? Path.of(u) : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      // not a URI (a space in a path): local unless it starts with a scheme
      return uri.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") ? null : Path.of(uri);
    }
  }
}
