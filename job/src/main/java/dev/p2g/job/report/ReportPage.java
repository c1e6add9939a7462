package dev.p2g.job.report;

import dev.p2g.tables.ErrorRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report/index.html: one self-contained page (styles, images as data URIs, no network), readable
 * from a bucket, a laptop or an air-gapped cluster. Its script only checks that every image
 * decoded and says so on the page (data-images-loaded, and a warning when some did not).
 */
final class ReportPage {
  static final int EXAMPLES_PER_CLASS = RunFacts.EXAMPLES_PER_CLASS;

  private ReportPage() {}

  static String html(RunFacts f, RunSummary summary, List<ContactSheet.Sample> samples) {
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>p2g report: ").append(esc(f.output)).append("</title>\n<style>\n").append(STYLE)
        .append("</style>\n</head>\n<body>\n");
    b.append("<h1>p2g ").append(esc(f.command)).append(" report</h1>\n<p class=\"sub\">")
        .append(esc(f.output)).append(" &middot; started ").append(esc(summary.startedAt()))
        .append(" &middot; ").append(String.format(Locale.ROOT, "%.1f s", f.wallSeconds)).append("</p>\n");
    b.append("<p id=\"load-warning\" class=\"warn\" hidden></p>\n");
    overview(b, f, summary);
    levels(b, summary);
    contactSheet(b, samples);
    errors(b, f.errorExamples, f.errorsByClass);
    b.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void overview(StringBuilder b, RunFacts f, RunSummary s) {
    b.append("<h2>Run</h2>\n<table class=\"kv\">\n");
    row(b, "model", f.modelName == null ? f.modelId : f.modelName + " (" + shortId(f.modelId) + "), k=" + f.modelK);
    row(b, "codec", f.codec);
    row(b, "format", f.format);
    row(b, "device", "requested " + f.requestedDevice + ", used " + s.devicesUsed());
    if (f.listedImages >= 0) {
      row(b, "images listed", String.valueOf(f.listedImages));
    }
    stage(b, "encode", f.encode);
    stage(b, "render", f.render);
    row(b, "stored", mb(s.bytesStored().fields()) + " of fields, " + mb(s.bytesStored().pyramid())
        + " of pyramid images");
    b.append("</table>\n");
  }

  private static void stage(StringBuilder b, String name, RunSummary.Stage numbers) {
    if (numbers == null) {
      return;
    }
    List<String> parts = new ArrayList<>();
    numbers.named().forEach((k, v) -> parts.add(k.replace('_', ' ') + " " + v));
    row(b, name, String.join(", ", parts));
  }

  private static void levels(StringBuilder b, RunSummary s) {
    b.append("<h2>Pyramid levels</h2>\n<table>\n<tr><th>level</th><th>images</th><th>written this run</th>")
        .append("<th>failed this run</th><th>bytes</th><th>devices</th></tr>\n");
    s.levels().forEach((level, l) -> b.append("<tr><td>").append(esc(level)).append("</td><td>").append(l.images())
        .append("</td><td>").append(l.writtenThisRun()).append("</td><td>").append(l.failedThisRun())
        .append("</td><td>").append(mb(l.bytes())).append("</td><td>").append(esc(l.devices().toString()))
        .append("</td></tr>\n"));
    b.append("</table>\n");
  }

  private static void contactSheet(StringBuilder b, List<ContactSheet.Sample> samples) {
    b.append("<h2>Contact sheet</h2>\n<p class=\"sub\">The centre of each level at its own pixels (at most ")
        .append(ContactSheet.WINDOW).append(" x ").append(ContactSheet.WINDOW)
        .append("): the field rendered by p2g, and Lanczos3 and bicubic resizes of the upright source to the same size"
            + " (antialiased, as image libraries resize).</p>\n");
    if (samples.isEmpty()) {
      b.append("<p>No image has every level of this run yet.</p>\n");
    }
    for (ContactSheet.Sample s : samples) {
      b.append("<section class=\"sample\">\n<h3>").append(esc(s.key())).append("</h3>\n<div class=\"levels\">\n");
      for (ContactSheet.Level l : s.levels()) {
        b.append("<figure>\n<figcaption>").append(esc(l.level())).append(" &middot; ").append(l.width()).append('x')
            .append(l.height()).append("</figcaption>\n<div class=\"pair\">");
        image(b, l.p2g(), "p2g", s.key() + " at " + l.level() + ", p2g");
        image(b, l.lanczos3(), "lanczos3", s.key() + " at " + l.level() + ", lanczos3");
        image(b, l.bicubic(), "bicubic", s.key() + " at " + l.level() + ", bicubic");
        b.append("</div>\n");
        if (l.note() != null) {
          b.append("<p class=\"warn\">").append(esc(l.note())).append("</p>\n");
        }
        b.append("</figure>\n");
      }
      b.append("</div>\n</section>\n");
    }
  }

  private static void image(StringBuilder b, String dataUri, String label, String alt) {
    b.append("<div><span>").append(label).append("</span>");
    if (dataUri == null) {
      b.append("<div class=\"missing\">not available</div>");
    } else {
      b.append("<img src=\"").append(dataUri).append("\" alt=\"").append(esc(alt)).append("\">");
    }
    b.append("</div>");
  }

  /** examples: a few rows of each class, in class order; counts: every row of the class. */
  private static void errors(StringBuilder b, List<ErrorRecord> errors, Map<String, Long> counts) {
    b.append("<h2>Errors</h2>\n");
    if (errors.isEmpty()) {
      b.append("<p>None: every image of this run was encoded and rendered.</p>\n");
      return;
    }
    Map<String, List<ErrorRecord>> byClass = new LinkedHashMap<>();
    errors.stream().sorted((a, c) -> a.errorClass().compareTo(c.errorClass()))
        .forEach(e -> byClass.computeIfAbsent(e.errorClass(), k -> new ArrayList<>()).add(e));
    b.append("<table>\n<tr><th>class</th><th>count</th><th>image</th><th>stage</th><th>message</th></tr>\n");
    byClass.forEach((cls, list) -> {
      int shown = Math.min(EXAMPLES_PER_CLASS, list.size());
      for (int i = 0; i < shown; i++) {
        ErrorRecord e = list.get(i);
        b.append("<tr>");
        if (i == 0) {
          b.append("<td rowspan=\"").append(shown).append("\">").append(esc(cls)).append("</td><td rowspan=\"")
              .append(shown).append("\">").append(counts.getOrDefault(cls, (long) list.size())).append("</td>");
        }
        b.append("<td>").append(esc(e.key())).append("</td><td>").append(esc(e.stage()))
            .append(e.level() == null ? "" : " " + esc(e.level())).append("</td><td>")
            .append(esc(e.message())).append("</td></tr>\n");
      }
    });
    b.append("</table>\n<p class=\"sub\">All of them, with source URIs: the errors/ table of the output.</p>\n");
  }

  private static void row(StringBuilder b, String key, String value) {
    b.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
  }

  private static String shortId(String id) {
    return id == null ? "" : id.substring(0, Math.min(12, id.length()));
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static final String STYLE = String.join("\n",
      "body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }",
      "h1 { margin: 0 0 4px; } h2 { margin-top: 28px; border-bottom: 1px solid #ccc; }",
      ".sub { color: #666; margin-top: 0; } .warn { color: #a00; font-weight: 600; }",
      "table { border-collapse: collapse; background: #fff; }",
      "th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }",
      "table.kv th { width: 9em; }",
      ".sample { margin: 16px 0; } .levels { display: flex; flex-wrap: wrap; gap: 16px; }",
      "figure { margin: 0; background: #fff; border: 1px solid #ddd; padding: 8px; }",
      "figcaption { font-weight: 600; margin-bottom: 4px; } .pair { display: flex; gap: 6px; }",
      ".pair span { display: block; font-size: 12px; color: #666; }",
      ".pair img { display: block; image-rendering: pixelated; }",
      ".missing { width: 80px; height: 80px; background: #eee; color: #999; font-size: 12px; padding: 4px; }",
      "");

  private static final String SCRIPT = String.join("\n",
      "window.addEventListener('load', function () {",
      "  var images = Array.prototype.slice.call(document.images);",
      "  var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;",
      "  document.body.setAttribute('data-images-loaded', loaded + '/' + images.length);",
      "  if (loaded < images.length) {",
      "    var w = document.getElementById('load-warning');",
      "    w.textContent = (images.length - loaded) + ' of ' + images.length + ' images did not load';",
      "    w.hidden = false;",
      "  }",
      "});",
      "");
}
