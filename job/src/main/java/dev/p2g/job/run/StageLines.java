package dev.p2g.job.run;

import dev.p2g.encode.ModelInfo;
import dev.p2g.job.cli.JobConfig;
import dev.p2g.job.common.ExitCodes;
import dev.p2g.job.sources.ImageListing;
import dev.p2g.job.sources.InputFormat;
import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The run's `p2g:` lines about its stages: what each did, how long it took, and the verdict. */
final class StageLines {
  private final PrintStream out;
  private final JobConfig config;
  private final int slots;

  StageLines(PrintStream out, JobConfig config, int slots) {
    this.out = out;
    this.config = config;
    this.slots = slots;
  }

  void model(ModelInfo model) {
    out.printf("p2g: model %s (%s), k=%d, device %s%n", model.name(), model.id().substring(0, 12), model.k(),
        config.device());
  }

  void listed(ImageListing.Listing listing, double seconds) {
    out.printf("p2g: listed %d images (%d other files skipped, %d duplicate names refused%s) in %.1f s%n",
        listing.imageCount(), listing.otherFiles(), listing.duplicateCount(),
        config.inputFormat() == InputFormat.FILES ? ""
            : ", " + listing.unlistable() + " unreadable in " + config.inputFormat().cliName() + " containers",
        seconds);
  }

  void encoded(EncodeStage.Result encoded, double seconds) {
    cleanup(config.fields(), encoded.leftoversRemoved(), encoded.superseded());
    out.printf("p2g: encode wrote %d fields to %s in %d chunks, skipped %d images already encoded with this model,"
        + " %d failed, in %.1f s%s%n", encoded.written(), config.fields(), encoded.chunks(), encoded.skipped(),
        encoded.failed(), seconds, busyShare(encoded.busySeconds(), seconds));
    out.printf("p2g: encode read %d bytes of sources; %d sources hashed because their listing changed%s,"
        + " %d of them changed%n", encoded.sourceBytes(), encoded.hashed(),
        config.verifySources() ? " or --verify-sources" : "", encoded.changed());
  }

  void rendered(RenderStage.Result rendered, String manifest, double seconds) {
    cleanup(manifest, rendered.leftoversRemoved(), rendered.superseded());
    out.printf("p2g: render of %d fields at %s wrote %d images in %d chunks, skipped %d already rendered,"
        + " %d failed, in %.1f s%s; images per level: %s%n", rendered.fields(), config.scales(), rendered.written(),
        rendered.chunks(), rendered.skipped(), rendered.failed(), seconds,
        busyShare(rendered.busySeconds(), seconds), rendered.imagesPerLevel());
  }

  void done(double seconds) {
    out.printf("p2g: done in %.1f s; output %s; errors in %s%n", seconds,
        config.command() == JobConfig.Command.ENCODE ? config.fields() : config.output(), config.errors());
  }

  /** The exit code for the failed share of the images (--max-error-fraction). */
  int verdict(long images, long failed) {
    if (images == 0) {
      out.println("p2g: warning: no images were found in the input");
      return ExitCodes.OK;
    }
    double fraction = (double) failed / images;
    if (fraction > config.maxErrorFraction()) {
      out.printf("p2g: %d of %d images failed (%.1f%%), over --max-error-fraction %s: exit 1%n", failed, images,
          100 * fraction, config.maxErrorFraction());
      return ExitCodes.SYSTEMIC;
    }
    return ExitCodes.OK;
  }

  /** A printer of lines that says each once, however many tables meet the same thing. */
  Consumer<String> onceEach() {
    Set<String> said = ConcurrentHashMap.newKeySet();
    return line -> {
      if (said.add(line)) {
        out.println(line);
      }
    };
  }

  private void cleanup(String table, boolean leftovers, long superseded) {
    if (leftovers) {
      out.printf("p2g: removed uncommitted output of an interrupted run from %s%n", table);
    }
    if (superseded > 0) {
      out.printf("p2g: removed %d superseded rows from %s%n", superseded, table);
    }
  }

  /**
   * How much of the stage's task-slot time went to images (decode and model, or render and
   * writing) rather than to Spark, listing, hashing and commits: what more cores can speed up.
   */
  private String busyShare(double busySeconds, double wallSeconds) {
    if (busySeconds <= 0 || wallSeconds <= 0) {
      return "";
    }
    return String.format(" (tasks on images %.1f s, %.0f%% of %d slots x %.1f s)", busySeconds,
        100 * busySeconds / (slots * wallSeconds), slots, wallSeconds);
  }
}
