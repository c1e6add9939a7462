package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md's "Where things live" is the rule: every package of ours in main code is in its
 * table, and imports (and fully qualified names) only the packages its row allows.
 */
class PackageMapTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern ROW = Pattern.compile("^\\| `(dev\\.p2g[\\w.]*)` \\| [^|]+ \\| ([^|]+) \\|$");
  private static final Pattern USE = Pattern.compile("\\b(dev\\.p2g(?:\\.[a-z]\\w*)*)\\.[A-Z]");
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

  @Test
  void everyImportIsOneTheMapAllows() throws IOException {
    Map<String, Set<String>> allowed = map();
    List<String> wrong = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (Path file : mainSources()) {
      String text = Files.readString(file);
      Matcher p = PACKAGE.matcher(text);
      assertTrue(p.find(), file + " has no package line");
      String own = p.group(1);
      seen.add(own);
      if (!allowed.containsKey(own)) {
        wrong.add(ROOT.relativize(file) + ": package " + own + " is not in docs/design.md's map");
        continue;
      }
      Matcher use = USE.matcher(code(text));
      Set<String> reported = new TreeSet<>();
      while (use.find()) {
        String other = use.group(1);
        if (!other.equals(own) && !allowed.get(own).contains(other) && reported.add(other)) {
          wrong.add(ROOT.relativize(file) + ": " + own + " uses " + other);
        }
      }
    }
    assertEquals(List.of(), wrong, "imports the map in docs/design.md does not allow");
    assertEquals(allowed.keySet().stream().sorted().toList(), List.copyOf(seen), "packages in the map but not in the code");
  }

  @Test
  void theRuleCanFail() {
    // the test's own reader must see a forbidden use, or a passing run above proves nothing
    Matcher use = USE.matcher(code("package dev.p2g.field;\nimport dev.p2g.job.run.Driver;\n"
        + "// dev.p2g.spark.EncodePartition in a comment is no use\nclass X { Object o = dev.p2g.render.Scale.ONE; }\n"));
    List<String> found = new ArrayList<>();
    while (use.find()) {
      found.add(use.group(1));
    }
    assertEquals(List.of("dev.p2g.job.run", "dev.p2g.render"), found);
  }

  /** The map: package to the packages it may use, from the table's rows. */
  static Map<String, Set<String>> map() throws IOException {
    Map<String, Set<String>> map = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(ROOT.resolve("docs/design.md"));
    int start = lines.indexOf("## Where things live");
    assertTrue(start >= 0, "docs/design.md has no 'Where things live' section");
    for (String line : lines.subList(start, lines.size())) {
      Matcher m = ROW.matcher(line.trim());
      if (m.matches()) {
        String uses = m.group(2).trim();
        map.put(m.group(1), uses.equals("-") ? Set.of() : Stream.of(uses.split(","))
            .map(s -> "dev.p2g." + s.trim()).collect(Collectors.toSet()));
      }
    }
    assertTrue(map.size() > 10, "the map has too few rows to be the map: " + map.keySet());
    return map;
  }

  private static List<Path> mainSources() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String module : List.of("udf", "job")) {
      try (Stream<Path> walk = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        walk.filter(f -> f.toString().endsWith(".java")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  /** The text without comments and string literals, where a class name is not a use. */
  private static String code(String text) {
    return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ")
        .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
  }
}
