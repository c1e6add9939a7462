package dev.p2g.job.serve;

import dev.p2g.job.cli.UsageException;
import dev.p2g.job.common.ExitCodes;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * p2g serve: indexes fields/, starts the server and keeps the index fresh (fields/ listed again
 * every refresh-seconds, reading only new files) until the process is stopped. No Spark: the
 * server reads the table's files itself, so it starts in a second and holds no cluster.
 */
public final class ServeCommand {
  private ServeCommand() {}

  /** Runs the command until the JVM stops (Ctrl-C); returns an exit code only when it cannot start. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (ServeOptions.helpRequested(args)) {
      out.println(ServeOptions.USAGE);
      return ExitCodes.OK;
    }
    ServeOptions options;
    try {
      options = ServeOptions.parse(args, 1);
    } catch (UsageException e) {
      err.println("p2g: " + e.getMessage() + " (p2g serve --help for usage)");
      return ExitCodes.USAGE;
    }
    try {
      Running running = start(options, out, err);
      Runtime.getRuntime().addShutdownHook(new Thread(running::close, "p2g-serve-stop"));
      // served until the JVM is stopped: returning would have Main call System.exit, which
      // blocks for good when it is called while the shutdown hooks run
      new CountDownLatch(1).await();
      return ExitCodes.OK;
    } catch (IOException e) {
      err.println("p2g: serve: cannot start: " + e.getMessage());
      return ExitCodes.SYSTEMIC;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.OK;
    }
  }

  /** A started server and its refresher. */
  public record Running(IiifServer server, FieldIndex index, ScheduledExecutorService refresher)
      implements AutoCloseable {
    @Override
    public void close() {
      refresher.shutdownNow();
      server.close();
    }
  }

  /** Indexes the table and starts the server; the caller closes what it gets. */
  public static Running start(ServeOptions options, PrintStream out, PrintStream err) throws IOException {
    Configuration conf = new Configuration();
    options.hadoopConf().forEach(conf::set);
    long t0 = System.nanoTime();
    FieldIndex index = FieldIndex.open(options.fields(), conf);
    index.unreadable().forEach((file, why) -> err.println("p2g: serve: skipped unreadable " + file + ": " + why));
    IiifServer server = new IiifServer(options, index, new RegionRenderer(index, conf, options), err);
    ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "p2g-serve-refresh");
      t.setDaemon(true);
      return t;
    });
    if (options.refreshSeconds() > 0) {
      refresher.scheduleWithFixedDelay(() -> refresh(index, out, err), options.refreshSeconds(),
          options.refreshSeconds(), TimeUnit.SECONDS);
    }
    String base = "http://" + (options.host().contains(":") ? "[" + options.host() + "]" : options.host()) + ":"
        + server.port();
    out.printf("p2g: serving %d images of %s (indexed in %.1f s) at %s/ (IIIF Image API at %s%s)%n", index.size(),
        options.fields(), (System.nanoTime() - t0) / 1e9, base, base, IiifServer.PREFIX);
    if (index.size() == 0) {
      String again = options.refreshSeconds() > 0 ? "; it is listed again every " + options.refreshSeconds() + " s"
          : " (--refresh-seconds 0: not looked at again)";
      out.println("p2g: serve: no images in " + options.fields() + " yet" + again);
    }
    return new Running(server, index, refresher);
  }

  private static void refresh(FieldIndex index, PrintStream out, PrintStream err) {
    try {
      int before = index.size();
      if (index.refresh()) {
        out.printf("p2g: serve: fields/ changed: %d images (was %d)%n", index.size(), before);
      }
    } catch (IOException | RuntimeException e) {
      // a listing that fails (the store is away) keeps the index as it was, to try again next time
      err.println("p2g: serve: could not list fields/ again: " + e.getMessage());
    }
  }
}
