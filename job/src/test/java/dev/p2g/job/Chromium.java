package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium for the tests of pages (the run report, the serve viewer). .ci/run installs
 * it; elsewhere a test that needs it is skipped when it is missing (never under CI=true).
 */
public final class Chromium {
  /** A loaded page: its DOM after the scripts ran, and the console lines the page logged. */
  public record Page(String dom, List<String> console) {}

  private final String executable;

  private Chromium(String executable) {
    this.executable = executable;
  }

  /** The installed Chromium; aborts the test where there is none, fails under CI=true. */
  public static Chromium find() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return new Chromium(Path.of(dir, name).toString());
        }
      }
    }
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.abort("chromium is not installed (apt-get install chromium): page checks skipped");
    }
    throw new AssertionError("under CI=true chromium must be installed: .ci/run installs it");
  }

  /** Loads url, lets its scripts run for up to budgetMillis of virtual time, and returns the DOM. */
  public Page dumpDom(String url, int budgetMillis) throws Exception {
    Path dom = Files.createTempFile("p2g-dom", ".html");
    Path log = Files.createTempFile("p2g-chromium", ".log");
    Process p = start(dom, log, "--virtual-time-budget=" + budgetMillis, "--dump-dom", url);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
    // Chromium logs every console message of the page (log, warning, error, uncaught) as :CONSOLE
    List<String> console = Files.readAllLines(log).stream().filter(l -> l.contains(":CONSOLE")).toList();
    return new Page(Files.readString(dom), console);
  }

  public void screenshot(String url, Path png) throws Exception {
    Path log = Files.createTempFile("p2g-chromium", ".log");
    Process p = start(log, log, "--hide-scrollbars", "--window-size=1280,1600", "--screenshot=" + png, url);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && Files.size(png) > 0, "no screenshot: " + Files.readString(log));
  }

  private Process start(Path stdout, Path stderr, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(executable, "--headless", "--no-sandbox", "--disable-gpu",
        "--enable-logging=stderr", "--v=0", "--user-data-dir=" + Files.createTempDirectory("p2g-chromium")));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
  }
}
