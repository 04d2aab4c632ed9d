package dev.baton.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * deploy/observability: the alert rules pass {@code promtool check rules} and their unit tests
 * ({@code promtool test rules}), every alert has a test where it fires and one where it does not,
 * the prod overlay's PrometheusRule carries the same groups, and the Grafana dashboard parses,
 * has unique panel ids and valid PromQL. Dashboard and rules query only the names listed in
 * exported-metrics.txt (which PipelineEndToEndTest finds on the running services).
 *
 * <p>Needs Debian's promtool (package {@code prometheus}) and kubectl; the repository's test.sh
 * installs them when missing.
 */
class ObservabilityRulesTest {
  private static final Path DIR = ExportedMetrics.DIR;
  private static final Path WORK = ExportedMetrics.ROOT.resolve("e2e-tests/target/observability");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void promtoolChecksTheRules() throws Exception {
    String out = run(List.of(promtool(), "check", "rules", DIR.resolve("alerts.yaml").toString()));
    assertTrue(out.contains("SUCCESS"), out);
  }

  @Test
  void theRulesPassTheirPromtoolTests() throws Exception {
    String out = run(List.of(promtool(), "test", "rules", DIR.resolve("alerts-test.yaml").toString()));
    assertTrue(out.contains("SUCCESS") && !out.contains("FAILED"), out);
  }

  @Test
  void everyAlertIsTestedFiringAndQuietAndTellsOpsWhatToDo() throws IOException {
    Map<String, JsonNode> alerts = alerts();
    assertFalse(alerts.isEmpty());
    Set<String> fired = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    for (JsonNode test : YAML.readTree(DIR.resolve("alerts-test.yaml").toFile()).path("tests")) {
      for (JsonNode t : test.path("alert_rule_test")) {
        String name = t.path("alertname").asText();
        assertTrue(alerts.containsKey(name), "alerts-test.yaml tests an alert alerts.yaml has not: " + name);
        (t.path("exp_alerts").isEmpty() ? quiet : fired).add(name);
      }
    }
    for (var e : alerts.entrySet()) {
      String name = e.getKey();
      JsonNode rule = e.getValue();
      assertTrue(fired.contains(name), name + " has no test where it fires");
      assertTrue(quiet.contains(name), name + " has no test where it stays quiet");
      assertTrue(rule.path("for").isTextual(), name + " has no for:");
      assertTrue(Set.of("warning", "critical").contains(rule.at("/labels/severity").asText()), name + ": severity");
      assertTrue(rule.at("/annotations/summary").asText().contains("{{"), name + ": a summary naming what is affected");
      assertFalse(rule.at("/annotations/description").asText().isBlank(), name + ": a description saying what to check");
    }
  }

  @Test
  void theProdOverlaysPrometheusRuleCarriesTheSameGroups() throws Exception {
    Path rendered = WORK.resolve("prod.yaml");
    Files.createDirectories(WORK);
    Files.writeString(rendered, Commands.stdout(List.of("kubectl", "kustomize",
        ExportedMetrics.ROOT.resolve("deploy/k8s/overlays/prod").toString()), DIR, WORK));
    List<JsonNode> rules = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(rendered.toFile())) {
      it.forEachRemaining(o -> {
        if (o != null && "PrometheusRule".equals(o.path("kind").asText())) {
          rules.add(o);
        }
      });
    }
    assertEquals(1, rules.size(), "PrometheusRules in the prod overlay");
    assertEquals("monitoring.coreos.com/v1", rules.get(0).path("apiVersion").asText());
    assertEquals(YAML.readTree(DIR.resolve("alerts.yaml").toFile()).path("groups"), rules.get(0).at("/spec/groups"),
        "deploy/k8s/overlays/prod/alerts.yaml differs from deploy/observability/alerts.yaml: run "
            + "deploy/observability/prometheusrule.sh");
  }

  @Test
  void theDashboardParsesWithUniquePanelIdsAndItsVariables() throws IOException {
    JsonNode dashboard = dashboard();
    assertTrue(dashboard.path("schemaVersion").asInt() >= 36, "schemaVersion");
    List<JsonNode> panels = panels(dashboard);
    assertTrue(panels.size() > 10, "panels: " + panels.size());
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : panels) {
      assertTrue(p.path("id").isInt(), p.path("title") + " has no id");
      assertTrue(ids.add(p.path("id").asInt()), "panel id " + p.path("id") + " twice");
      if (!"row".equals(p.path("type").asText())) {
        assertEquals("${datasource}", p.at("/datasource/uid").asText(), p.path("title") + "'s data source");
        assertFalse(p.path("targets").isEmpty(), p.path("title") + " has no query");
      }
    }
    Map<String, JsonNode> vars = new LinkedHashMap<>();
    dashboard.at("/templating/list").forEach(v -> vars.put(v.path("name").asText(), v));
    assertEquals("datasource", vars.get("datasource").path("type").asText());
    assertEquals("prometheus", vars.get("datasource").path("query").asText());
    for (String v : List.of("service", "tenant")) {
      assertEquals("query", vars.get(v).path("type").asText(), v);
    }
    String exprs = String.join("\n", expressions(dashboard));
    for (String filter : List.of("service=~\"$service\"", "tenant=~\"$tenant\"")) {
      assertTrue(exprs.contains(filter), "no query filters on " + filter);
    }
  }

  /** promtool parses each of the dashboard's queries (as recording rules, Grafana's variables filled in). */
  @Test
  void everyDashboardQueryIsValidPromql() throws Exception {
    ArrayNode rules = JSON.createArrayNode();
    List<String> exprs = dashboardQueries(dashboard());
    for (int i = 0; i < exprs.size(); i++) {
      String expr = exprs.get(i).replace("$__rate_interval", "5m").replace("$service", ".*").replace("$tenant", ".*");
      rules.addObject().put("record", "baton:dashboard_query_" + i).put("expr", expr);
    }
    ObjectNode file = JSON.createObjectNode();
    file.putArray("groups").addObject().put("name", "dashboard").set("rules", rules);
    Files.createDirectories(WORK);
    Path out = WORK.resolve("dashboard-queries.yaml");
    YAML.writeValue(out.toFile(), file);
    String result = run(List.of(promtool(), "check", "rules", out.toString()));
    assertTrue(result.contains("SUCCESS: " + exprs.size() + " rules found"), result);
  }

  @Test
  void dashboardAndRulesQueryOnlyTheListedMetricsAndEveryListedOneIsQueried() throws IOException {
    Set<String> used = new TreeSet<>();
    expressions(dashboard()).forEach(e -> used.addAll(ExportedMetrics.metricNames(e)));
    alerts().values().forEach(r -> used.addAll(ExportedMetrics.metricNames(r.path("expr").asText())));
    Set<String> listed = new TreeSet<>();
    ExportedMetrics.listed().forEach(n -> listed.add(n.name()));
    Set<String> unlisted = new TreeSet<>(used);
    unlisted.removeAll(listed);
    assertTrue(unlisted.isEmpty(), "queried but not in exported-metrics.txt: " + unlisted);
    Set<String> unused = new TreeSet<>(listed);
    unused.removeAll(used);
    assertTrue(unused.isEmpty(), "in exported-metrics.txt but queried nowhere: " + unused);
  }

  @Test
  void metricNamesAreReadFromPromql() {
    assertEquals(Set.of("a_total", "b_seconds_bucket"), ExportedMetrics.metricNames(
        "sum by (service, le) (rate(a_total{x=\"y,z}\"}[5m] offset 1h)) / on (service) group_left(le) "
            + "histogram_quantile(0.9, b_seconds_bucket{q=~\"$v\"}[$__rate_interval]) > bool 1e3 and 5"));
    assertEquals(Set.of("c"), ExportedMetrics.metricNames("absent(c{service=\"d\"}) or vector(1)"));
    assertEquals(Set.of("e_total"), ExportedMetrics.metricNames("label_values(e_total{service=~\"$service\"}, tenant)"));
  }

  // ---- helpers -------------------------------------------------------------

  /** alerts.yaml's alerting rules by name. */
  private static Map<String, JsonNode> alerts() throws IOException {
    Map<String, JsonNode> alerts = new LinkedHashMap<>();
    for (JsonNode group : YAML.readTree(DIR.resolve("alerts.yaml").toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        assertTrue(alerts.put(rule.path("alert").asText(), rule) == null, "alert " + rule.path("alert") + " twice");
      }
    }
    return alerts;
  }

  private static JsonNode dashboard() throws IOException {
    return JSON.readTree(DIR.resolve("baton-dashboard.json").toFile());
  }

  /** Every panel, those inside rows included. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      all.add(p);
      p.path("panels").forEach(all::add);
    }
    return all;
  }

  /** The panels' PromQL queries. */
  private static List<String> dashboardQueries(JsonNode dashboard) {
    List<String> exprs = new ArrayList<>();
    panels(dashboard).forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    exprs.forEach(e -> assertFalse(e.isBlank(), "an empty query"));
    return exprs;
  }

  /** The panels' queries and the template variables' ones. */
  private static List<String> expressions(JsonNode dashboard) {
    List<String> exprs = new ArrayList<>(dashboardQueries(dashboard));
    for (JsonNode v : dashboard.at("/templating/list")) {
      if ("query".equals(v.path("type").asText())) {
        JsonNode q = v.path("query");
        exprs.add(q.isObject() ? q.path("query").asText() : q.asText());
      }
    }
    return exprs;
  }

  private static String promtool() {
    Path debian = Path.of("/usr/bin/promtool");
    return Files.isExecutable(debian) ? debian.toString() : "promtool";
  }

  /** Runs {@code command} in deploy/observability; its output, errors included. */
  private static String run(List<String> command) throws Exception {
    return Commands.output(command, DIR, WORK);
  }
}
