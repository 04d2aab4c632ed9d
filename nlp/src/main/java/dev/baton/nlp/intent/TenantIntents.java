package dev.baton.nlp.intent;

import dev.baton.nlp.data.Csv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant's own intents and examples, beyond its FAQ entries, from:
 *
 * <ol>
 *   <li>the classpath: {@code tenant-intents/<tenantId>.csv} (the demo tenants' files ship in
 *       this module);
 *   <li>a directory named by the system property {@value #DIR_PROPERTY} or the environment
 *       variable {@value #DIR_ENV}: {@code <tenantId>.csv} and/or {@code <tenantId>.yaml}.
 * </ol>
 *
 * <p>CSV: a header {@code text,intent} and one example per row. YAML: a map from intent to a list
 * of examples:
 *
 * <pre>
 * reschedule_appointment:
 *   - can I move my appointment to Friday
 *   - "I need a different time, sorry"
 * </pre>
 */
public final class TenantIntents {
  public static final String DIR_PROPERTY = "baton.nlp.tenant-intents-dir";
  public static final String DIR_ENV = "BATON_TENANT_INTENTS_DIR";

  private TenantIntents() {}

  public static Map<String, List<String>> load(String tenantId) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (InputStream in =
        TenantIntents.class.getClassLoader().getResourceAsStream("tenant-intents/" + tenantId + ".csv")) {
      if (in != null) {
        merge(out, fromCsv(Csv.read(in)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String dir = System.getProperty(DIR_PROPERTY, System.getenv(DIR_ENV));
    if (dir != null && !dir.isBlank()) {
      Path csv = Path.of(dir, tenantId + ".csv");
      if (Files.exists(csv)) {
        merge(out, fromCsv(Csv.read(csv)));
      }
      for (String ext : List.of(".yaml", ".yml")) {
        Path yaml = Path.of(dir, tenantId + ext);
        if (Files.exists(yaml)) {
          try {
            merge(out, fromYaml(Files.readString(yaml, StandardCharsets.UTF_8)));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + yaml, e);
          }
        }
      }
    }
    return out;
  }

  public static void merge(Map<String, List<String>> into, Map<String, List<String>> more) {
    more.forEach((k, v) -> into.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
  }

  static Map<String, List<String>> fromCsv(List<Map<String, String>> rows) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map<String, String> r : rows) {
      String text = r.get("text");
      String intent = r.getOrDefault("intent", r.get("label"));
      if (text != null && intent != null && !text.isBlank() && !intent.isBlank()) {
        out.computeIfAbsent(intent.trim(), k -> new ArrayList<>()).add(text.trim());
      }
    }
    return out;
  }

  /** Reads the restricted YAML form above: top-level keys with lists of (optionally quoted) strings. */
  public static Map<String, List<String>> fromYaml(String yaml) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String current = null;
    int lineNo = 0;
    for (String raw : yaml.split("\\R")) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("- ")) {
        if (current == null) {
          throw new IllegalArgumentException("line " + lineNo + ": example before any intent");
        }
        out.get(current).add(unquote(line.substring(2).strip()));
      } else if (line.endsWith(":") && !Character.isWhitespace(raw.charAt(0))) {
        current = unquote(line.substring(0, line.length() - 1).strip());
        out.computeIfAbsent(current, k -> new ArrayList<>());
      } else {
        throw new IllegalArgumentException("line " + lineNo + ": expected 'intent:' or '- example'");
      }
    }
    return out;
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
      String inner = s.substring(1, s.length() - 1);
      return s.startsWith("'") ? inner.replace("''", "'") : inner.replace("\\\"", "\"");
    }
    return s;
  }
}
