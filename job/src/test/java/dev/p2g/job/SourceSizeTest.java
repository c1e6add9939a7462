package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Small files and methods (docs/design.md, "Where things live"): no main source file over 300
 * lines and no method over 60, unless a sentence in it says why ("longer than 300 lines because",
 * in the file; "longer than 60 lines because", in the method or the comment above it).
 */
class SourceSizeTest {
  static final int MAX_FILE_LINES = 300;
  static final int MAX_METHOD_LINES = 60;
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern METHOD = Pattern.compile(
      "^\\s+(?:(?:public|private|protected|static|final|synchronized|abstract|default)\\s+)*(?:<[^>]+>\\s+)?"
          + "[\\w<>\\[\\],.? ]+\\s+(\\w+)\\s*\\([^;]*$");

  @Test
  void filesAndMethodsAreSmallOrSayWhy() throws IOException {
    List<String> tooLong = new ArrayList<>();
    for (String module : List.of("udf", "job")) {
      try (Stream<Path> walk = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        for (Path file : walk.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
          tooLong.addAll(check(ROOT.relativize(file).toString(), Files.readAllLines(file)));
        }
      }
    }
    assertEquals(List.of(), tooLong);
  }

  @Test
  void theCheckFindsALongMethodAndALongFile() {
    List<String> lines = new ArrayList<>(List.of("class X {", "  int m(int a) {"));
    for (int i = 0; i < MAX_METHOD_LINES; i++) {
      lines.add("    a++; // {braces in comments} and \"{in strings\"");
    }
    lines.add("    return a;");
    lines.add("  }");
    lines.add("  /** Longer than 60 lines because it must be. */");
    lines.addAll(lines.subList(1, lines.size() - 1));
    while (lines.size() <= MAX_FILE_LINES) {
      lines.add("");
    }
    lines.add("}");
    assertEquals(List.of("X.java: " + lines.size() + " lines", "X.java: m, " + (MAX_METHOD_LINES + 3) + " lines"),
        check("X.java", lines));
  }

  /** What is too long in one file, without its sentence. */
  static List<String> check(String name, List<String> lines) {
    List<String> found = new ArrayList<>();
    String text = String.join("\n", lines).toLowerCase(java.util.Locale.ROOT);
    if (lines.size() > MAX_FILE_LINES && !text.contains("longer than " + MAX_FILE_LINES + " lines because")) {
      found.add(name + ": " + lines.size() + " lines");
    }
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = METHOD.matcher(lines.get(i));
      String head = lines.get(i).trim();
      if (!m.matches() || head.startsWith("return") || head.startsWith("new ") || head.startsWith("throw")
          || head.split("\\(")[0].contains(" = ")) {
        continue;
      }
      int end = end(lines, i);
      if (end < 0) {
        continue; // a declaration without a body
      }
      String said = String.join("\n", lines.subList(Math.max(0, i - 3), end + 1)).toLowerCase(java.util.Locale.ROOT);
      if (end - i + 1 > MAX_METHOD_LINES && !said.contains("longer than " + MAX_METHOD_LINES + " lines because")) {
        found.add(name + ": " + m.group(1) + ", " + (end - i + 1) + " lines");
      }
      i = end;
    }
    return found;
  }

  /** The line of the brace that closes the body opened at or after line start, or -1 for none. */
  private static int end(List<String> lines, int start) {
    int depth = 0;
    boolean opened = false;
    for (int j = start; j < lines.size(); j++) {
      String code = lines.get(j).replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"")
          .replaceAll("'(?:\\\\.|[^'\\\\])'", "''").replaceAll("//.*", "");
      for (char c : code.toCharArray()) {
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        opened |= c == '{';
      }
      if (opened && depth == 0) {
        return j;
      }
      if (!opened && code.trim().endsWith(";")) {
        return -1;
      }
    }
    return -1;
  }
}
