package dev.baton.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/observability/exported-metrics.txt: the metric names the dashboard and the alert rules
 * query, one a line, {@code #} comments; a name whose comment says {@code failure-only} appears
 * only once the failure it counts has happened. And the metric names a PromQL expression reads.
 */
final class ExportedMetrics {
  static final Path ROOT = Path.of(System.getProperty("baton.root", "..")).toAbsolutePath().normalize();
  static final Path DIR = ROOT.resolve("deploy/observability");

  record Name(String name, boolean failureOnly) {}

  private ExportedMetrics() {}

  static List<Name> listed() throws IOException {
    List<Name> names = new ArrayList<>();
    for (String line : Files.readAllLines(DIR.resolve("exported-metrics.txt"))) {
      int hash = line.indexOf('#');
      String name = (hash < 0 ? line : line.substring(0, hash)).strip();
      if (!name.isEmpty()) {
        names.add(new Name(name, hash >= 0 && line.substring(hash).contains("failure-only")));
      }
    }
    return names;
  }

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern MATCHERS_AND_RANGES = Pattern.compile("\\{[^}]*}|\\[[^]]*]");
  private static final Pattern LABEL_LISTS =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", Pattern.CASE_INSENSITIVE);
  private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-zA-Z]+", Pattern.CASE_INSENSITIVE);
  // A name not glued to what precedes it (so neither the "m" of "5m" nor the "e3" of "1e3").
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:$])[a-zA-Z_:][\\w:]*");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "inf", "nan", "atan2");
  private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*([a-zA-Z_:][\\w:]*)");

  /**
   * The metric names {@code expr} reads: every identifier that is not a function or aggregation
   * (followed by a parenthesis), a label list, a label matcher, a range, an offset or a keyword.
   * A Grafana {@code label_values(metric{...}, label)} query names its metric.
   */
  static Set<String> metricNames(String expr) {
    Set<String> names = new LinkedHashSet<>();
    Matcher lv = LABEL_VALUES.matcher(expr);
    if (lv.find()) {
      names.add(lv.group(1));
      return names;
    }
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = MATCHERS_AND_RANGES.matcher(s).replaceAll(" ");
    s = LABEL_LISTS.matcher(s).replaceAll(" ");
    s = OFFSET.matcher(s).replaceAll(" ");
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String rest = s.substring(m.end()).stripLeading();
      if (!rest.startsWith("(") && !KEYWORDS.contains(m.group().toLowerCase())) {
        names.add(m.group());
      }
    }
    return names;
  }
}
