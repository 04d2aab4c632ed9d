package dev.baton.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.schemas.topic.StrimziManifests;
import dev.baton.schemas.topic.TopicAccess;
import dev.baton.schemas.topic.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the Kubernetes manifests (deploy/k8s) offline, with no cluster: renders each overlay with
 * {@code kubectl kustomize}, validates every object against its kind's schema (Kubernetes' own and
 * the Strimzi and KEDA CRDs, deploy/k8s/validate), and asserts what the schemas cannot: probes,
 * non-root, resources, Secrets only by name, selectors that select, autoscalers within the
 * partitions, and Kafka access that agrees with the services' own settings.
 *
 * <p>Needs kubectl, node and npm (the repository's test.sh installs them when missing).
 */
class KubernetesManifestsTest {
  private static final Path ROOT = Path.of(System.getProperty("baton.root", "..")).toAbsolutePath().normalize();
  private static final Path K8S = ROOT.resolve("deploy/k8s");
  private static final Path WORK = ROOT.resolve("e2e-tests/target/k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern SECRET_KIND = Pattern.compile("(?m)^\\s*kind: Secret\\s*$");
  private static final List<String> OVERLAYS = List.of("dev", "prod");
  private static final List<String> SERVICES =
      List.of("intake-service", "sentiment-service", "routing-service", "handoff-service", "agent-gateway");

  /** Per overlay, its rendered objects. */
  private static final Map<String, List<JsonNode>> RENDERED = new LinkedHashMap<>();

  @BeforeAll
  static void render() throws Exception {
    Files.createDirectories(WORK);
    for (String overlay : OVERLAYS) {
      Path out = WORK.resolve(overlay + ".yaml");
      Commands.toFile(List.of("kubectl", "kustomize", K8S.resolve("overlays").resolve(overlay).toString()), out, WORK);
      List<JsonNode> objects = new ArrayList<>();
      try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out.toFile())) {
        it.forEachRemaining(n -> {
          if (n != null && !n.isNull() && !n.isMissingNode()) {
            objects.add(n);
          }
        });
      }
      assertFalse(objects.isEmpty(), overlay + " renders nothing");
      RENDERED.put(overlay, objects);
    }
  }

  @Test
  void everyObjectIsValidAgainstItsSchema() throws Exception {
    Path validator = WORK.resolve("validate");
    Files.createDirectories(validator);
    boolean fresh = false;
    for (String f : List.of("package.json", "package-lock.json", "validate.mjs")) {
      Path src = K8S.resolve("validate").resolve(f);
      Path dst = validator.resolve(f);
      fresh |= !Files.exists(dst) || Files.mismatch(src, dst) != -1;
      Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
    }
    if (fresh || !Files.isDirectory(validator.resolve("node_modules"))) {
      Commands.output(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), validator, WORK);
    }
    List<String> command = new ArrayList<>(List.of("node", validator.resolve("validate.mjs").toString()));
    OVERLAYS.forEach(o -> command.add(WORK.resolve(o + ".yaml").toString()));
    String output = Commands.output(command, validator, WORK);
    assertTrue(output.contains(" 0 problems"), output);
  }

  @Test
  void noSecretIsCommittedOrRendered() throws IOException {
    RENDERED.forEach((overlay, objects) -> objects.forEach(o ->
        assertFalse("Secret".equals(o.path("kind").asText()), overlay + ": a Secret object " + name(o))));
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().contains("node_modules")).toList()) {
        String text = Files.readString(f);
        assertFalse(SECRET_KIND.matcher(text).find() || text.contains("secretGenerator"), f + " holds a Secret");
      }
    }
  }

  @Test
  void everySecretReferencedIsDocumented() throws IOException {
    String readme = Files.readString(K8S.resolve("README.md"));
    Matcher section = Pattern.compile("(?s)## Secrets\n(.*?)\n## ").matcher(readme);
    assertTrue(section.find(), "README.md has no Secrets section");
    Set<String> referenced = new TreeSet<>();
    RENDERED.values().forEach(objects -> objects.forEach(o -> collectSecretNames(o, referenced)));
    assertTrue(referenced.containsAll(Set.of("baton-tenant-secrets", "baton-cluster-ca-cert", "baton-keda-kafka",
        "intake-service", "handoff-service")), "the walk found " + referenced);
    for (String secret : referenced) {
      assertTrue(section.group(1).contains("`" + secret + "`"), "README.md's Secrets section does not name " + secret);
    }
  }

  @Test
  void everyContainerHasProbesResourcesAndRunsLockedDown() {
    RENDERED.forEach((overlay, objects) -> workloads(objects).forEach(w -> {
      String where = overlay + " " + name(w);
      JsonNode pod = w.at("/spec/template/spec");
      assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), where + ": runAsNonRoot");
      assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText(), where + ": seccomp");
      assertTrue(pod.path("terminationGracePeriodSeconds").isInt(), where + ": terminationGracePeriodSeconds");
      Set<String> emptyDirs = new HashSet<>();
      pod.path("volumes").forEach(v -> {
        if (v.has("emptyDir")) {
          emptyDirs.add(v.path("name").asText());
        }
      });
      for (JsonNode c : iterable(pod.path("containers"))) {
        String at = where + " container " + c.path("name").asText();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          assertTrue(c.has(probe), at + ": no " + probe);
        }
        String image = c.path("image").asText();
        assertTrue(image.matches("[^:@]+[:@][^:]+") && !image.endsWith(":latest"), at + ": image without a version: " + image);
        for (String r : List.of("/requests/cpu", "/requests/memory", "/limits/memory")) {
          assertFalse(c.at("/resources" + r).asText().isEmpty(), at + ": no resources" + r);
        }
        JsonNode sc = c.path("securityContext");
        assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), at + ": readOnlyRootFilesystem");
        assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), at + ": allowPrivilegeEscalation");
        assertEquals("[\"ALL\"]", sc.at("/capabilities/drop").toString(), at + ": capabilities");
        if (SERVICES.contains(name(w))) {
          assertEquals("/q/health/live", c.at("/livenessProbe/httpGet/path").asText(), at);
          assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText(), at);
          boolean tmp = false;
          for (JsonNode m : iterable(c.path("volumeMounts"))) {
            tmp |= m.path("mountPath").asText().equals("/tmp") && emptyDirs.contains(m.path("name").asText());
          }
          assertTrue(tmp, at + ": a read-only root needs an emptyDir at /tmp");
          assertEquals("true", w.at("/spec/template/metadata/annotations/prometheus.io~1scrape").asText(), at);
        }
      }
    }));
  }

  @Test
  void selectorsSelectTheirPods() {
    RENDERED.forEach((overlay, objects) -> {
      List<JsonNode> workloads = workloads(objects);
      for (JsonNode w : workloads) {
        JsonNode labels = w.at("/spec/template/metadata/labels");
        assertTrue(matches(w.at("/spec/selector/matchLabels"), labels), overlay + " " + name(w) + ": selector");
        for (JsonNode t : iterable(w.at("/spec/template/spec/topologySpreadConstraints"))) {
          assertTrue(matches(t.at("/labelSelector/matchLabels"), labels), overlay + " " + name(w) + ": spread");
        }
      }
      for (JsonNode o : objects) {
        JsonNode selector = switch (o.path("kind").asText()) {
          case "Service" -> o.at("/spec/selector");
          case "PodDisruptionBudget" -> o.at("/spec/selector/matchLabels");
          default -> null;
        };
        if (selector != null) {
          assertTrue(selector.size() > 0, overlay + " " + name(o) + ": empty selector");
          assertTrue(workloads.stream().anyMatch(w -> matches(selector, w.at("/spec/template/metadata/labels"))),
              overlay + " " + o.path("kind").asText() + " " + name(o) + " selects no pods");
        }
        JsonNode target = o.at("/spec/scaleTargetRef");
        if (!target.isMissingNode()) {
          assertTrue(workloads.stream().anyMatch(w -> w.path("kind").asText().equals(target.path("kind").asText())
              && name(w).equals(target.path("name").asText())), overlay + " " + name(o) + " scales nothing");
        }
      }
    });
  }

  @Test
  void eachServiceAuthenticatesAsItsOwnKafkaUser() {
    RENDERED.forEach((overlay, objects) -> {
      Set<String> users = new HashSet<>();
      objects.stream().filter(o -> o.path("kind").asText().equals("KafkaUser")).forEach(u -> users.add(name(u)));
      for (JsonNode w : workloads(objects)) {
        if (!SERVICES.contains(name(w))) {
          continue;
        }
        JsonNode jaas = env(w, "KAFKA_SASL_JAAS_CONFIG");
        assertNotNull(jaas, overlay + " " + name(w) + ": no KAFKA_SASL_JAAS_CONFIG");
        assertEquals(name(w), jaas.at("/valueFrom/secretKeyRef/name").asText(), overlay + " " + name(w));
        assertEquals("sasl.jaas.config", jaas.at("/valueFrom/secretKeyRef/key").asText(), overlay + " " + name(w));
        assertTrue(users.contains(name(w)), overlay + ": no KafkaUser " + name(w));
      }
    });
  }

  @Test
  void topicReplicationFitsEachCluster() {
    Map<String, List<Integer>> expected = Map.of("dev", List.of(1, 1), "prod", List.of(3, 2));
    expected.forEach((overlay, want) -> {
      List<JsonNode> topics = kind(RENDERED.get(overlay), "KafkaTopic");
      assertEquals(Topics.all().size(), topics.size(), overlay);
      for (JsonNode t : topics) {
        assertEquals(want.get(0), t.at("/spec/replicas").asInt(), overlay + " " + name(t));
        assertEquals(want.get(1), t.at("/spec/config/min.insync.replicas").asInt(), overlay + " " + name(t));
        assertEquals(StrimziManifests.CLUSTER, t.at("/metadata/labels/strimzi.io~1cluster").asText(), name(t));
      }
    });
    List<JsonNode> clusters = kind(RENDERED.get("dev"), "Kafka");
    assertEquals(1, clusters.size());
    assertEquals(StrimziManifests.CLUSTER, name(clusters.get(0)));
    assertTrue(kind(RENDERED.get("prod"), "Kafka").isEmpty(), "prod uses an existing cluster");
  }

  @Test
  void noAutoscalerGoesBeyondItsInputPartitions() {
    List<JsonNode> objects = RENDERED.get("prod");
    Map<String, Integer> partitions = new HashMap<>();
    kind(objects, "KafkaTopic").forEach(t -> partitions.put(t.at("/spec/topicName").asText(), t.at("/spec/partitions").asInt()));
    List<JsonNode> scaled = kind(objects, "ScaledObject");
    Set<String> targets = new HashSet<>();
    for (JsonNode so : scaled) {
      String target = so.at("/spec/scaleTargetRef/name").asText();
      targets.add(target);
      TopicAccess.Service access = TopicAccess.of(target);
      int max = so.at("/spec/maxReplicaCount").asInt();
      for (JsonNode trigger : iterable(so.at("/spec/triggers"))) {
        assertEquals("kafka", trigger.path("type").asText(), target);
        String topic = trigger.at("/metadata/topic").asText();
        String group = trigger.at("/metadata/consumerGroup").asText();
        assertTrue(access.reads().contains(topic), target + " scales on " + topic + ", which it does not read");
        assertTrue(access.allGroups().contains(group), target + " scales on group " + group + ", not its own");
        assertNotNull(partitions.get(topic), "no KafkaTopic " + topic);
        assertTrue(max <= partitions.get(topic), target + ": maxReplicaCount " + max + " above " + topic + "'s "
            + partitions.get(topic) + " partitions, where the extra replicas would sit idle");
      }
    }
    assertEquals(Set.of("intake-service", "sentiment-service", "routing-service", "handoff-service"), targets);
    List<JsonNode> hpas = kind(objects, "HorizontalPodAutoscaler");
    assertEquals(1, hpas.size());
    JsonNode hpa = hpas.get(0);
    String target = hpa.at("/spec/scaleTargetRef/name").asText();
    assertEquals("agent-gateway", target);
    for (String topic : TopicAccess.of(target).reads()) {
      assertTrue(hpa.at("/spec/maxReplicas").asInt() <= partitions.get(topic), "agent-gateway above " + topic);
    }
  }

  @Test
  void prodRunsTwoOrMoreOfEverythingSpreadAndBudgeted() {
    List<JsonNode> objects = RENDERED.get("prod");
    Set<String> budgeted = new HashSet<>();
    kind(objects, "PodDisruptionBudget").forEach(p -> budgeted.add(p.at("/spec/selector/matchLabels/app.kubernetes.io~1name").asText()));
    Map<String, Integer> minimum = new HashMap<>();
    kind(objects, "ScaledObject").forEach(so ->
        minimum.put(so.at("/spec/scaleTargetRef/name").asText(), so.at("/spec/minReplicaCount").asInt()));
    kind(objects, "HorizontalPodAutoscaler").forEach(h ->
        minimum.put(h.at("/spec/scaleTargetRef/name").asText(), h.at("/spec/minReplicas").asInt()));
    for (JsonNode w : workloads(objects)) {
      // The autoscaler owns the count: one in the manifest would reset it on every apply.
      assertTrue(w.at("/spec/replicas").isMissingNode(), name(w) + " states replicas beside its autoscaler");
      assertTrue(minimum.getOrDefault(name(w), 0) >= 2, name(w) + ": no autoscaler keeping 2 or more replicas");
      assertTrue(budgeted.contains(name(w)), name(w) + " has no PodDisruptionBudget");
      assertTrue(w.at("/spec/template/spec/topologySpreadConstraints").size() >= 2, name(w) + " is not spread");
    }
    for (JsonNode w : workloads(RENDERED.get("dev"))) {
      assertEquals(1, w.at("/spec/replicas").asInt(), "dev " + name(w));
    }
    JsonNode handoff = workloads(objects).stream().filter(w -> name(w).equals("handoff-service")).findFirst().orElseThrow();
    assertEquals("StatefulSet", handoff.path("kind").asText());
    assertEquals("1", env(handoff, "HANDOFF_STANDBY_REPLICAS").path("value").asText());
    assertEquals("/var/lib/baton/streams-state", env(handoff, "HANDOFF_STATE_DIR").path("value").asText());
    assertEquals("streams-state", handoff.at("/spec/volumeClaimTemplates/0/metadata/name").asText());
  }

  @Test
  void everyServiceRunsTheClusterProfile() {
    for (String overlay : OVERLAYS) {
      List<JsonNode> objects = RENDERED.get(overlay);
      // The generated ConfigMap's name carries a hash: find it by its generator's name.
      JsonNode config = kind(objects, "ConfigMap").stream().filter(c -> name(c).startsWith("baton-config"))
          .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no baton-config"));
      // prod keeps the packaged services' own profile; cluster turns on the JSON logs.
      assertEquals("prod,cluster", config.at("/data/QUARKUS_PROFILE").asText(), overlay);
      List<JsonNode> services = workloads(objects).stream().filter(w -> SERVICES.contains(name(w))).toList();
      assertEquals(SERVICES.size(), services.size(), overlay + ": " + services.stream().map(KubernetesManifestsTest::name).toList());
      for (JsonNode w : services) {
        JsonNode env = env(w, "QUARKUS_PROFILE");
        assertTrue(env == null, overlay + " " + name(w) + " overrides QUARKUS_PROFILE");
        boolean fromConfig = false;
        for (JsonNode c : iterable(w.at("/spec/template/spec/containers"))) {
          for (JsonNode from : iterable(c.path("envFrom"))) {
            fromConfig |= from.at("/configMapRef/name").asText().equals(name(config));
          }
        }
        assertTrue(fromConfig, overlay + " " + name(w) + " does not read baton-config");
      }
    }
  }

  @Test
  void theAccessTableAgreesWithTheServicesOwnSettings() throws IOException {
    for (TopicAccess.Service access : TopicAccess.services()) {
      Properties props = new Properties();
      try (InputStream in = Files.newInputStream(
          ROOT.resolve(access.service()).resolve("src/main/resources/application.properties"))) {
        props.load(in);
      }
      Set<String> literal = new TreeSet<>();
      Set<String> prefixed = new TreeSet<>();
      for (String key : props.stringPropertyNames()) {
        if (key.startsWith("mp.messaging.incoming.") && key.endsWith(".group.id")) {
          String group = props.getProperty(key);
          int var = group.indexOf("${");
          (var < 0 ? literal : prefixed).add(var < 0 ? group : group.substring(0, var));
        }
      }
      assertEquals(new TreeSet<>(access.groups()), literal, access.service() + "'s group ids");
      assertEquals(new TreeSet<>(access.groupPrefixes()), prefixed, access.service() + "'s per-instance group ids");
    }
    String topology = Files.readString(ROOT.resolve(
        "handoff-service/src/main/java/dev/baton/handoff/topology/HandoffTopology.java"), StandardCharsets.UTF_8);
    assertTrue(topology.contains("APPLICATION_ID = \"" + TopicAccess.HANDOFF_APPLICATION_ID + "\";"),
        "HandoffTopology.APPLICATION_ID is not TopicAccess.HANDOFF_APPLICATION_ID");
  }

  // ---- helpers -------------------------------------------------------------

  private static List<JsonNode> workloads(List<JsonNode> objects) {
    return objects.stream().filter(o -> Set.of("Deployment", "StatefulSet").contains(o.path("kind").asText())).toList();
  }

  private static List<JsonNode> kind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  private static String name(JsonNode o) {
    return o.at("/metadata/name").asText();
  }

  private static JsonNode env(JsonNode workload, String name) {
    for (JsonNode c : iterable(workload.at("/spec/template/spec/containers"))) {
      for (JsonNode e : iterable(c.path("env"))) {
        if (name.equals(e.path("name").asText())) {
          return e;
        }
      }
    }
    return null;
  }

  /** Whether every label of {@code selector} is on {@code labels}. */
  private static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector.isMissingNode() || selector.size() == 0) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  /** Names of Secrets {@code node} refers to, wherever it does. */
  private static void collectSecretNames(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      for (String key : List.of("secretKeyRef", "secretRef")) {
        if (node.has(key) && node.get(key).has("name")) {
          into.add(node.get(key).get("name").asText());
        }
      }
      if (node.has("secret") && node.get("secret").has("secretName")) {
        into.add(node.get("secret").get("secretName").asText());
      }
      // KEDA's TriggerAuthentication.
      if (node.has("parameter") && node.has("name") && node.has("key")) {
        into.add(node.get("name").asText());
      }
      node.forEach(child -> collectSecretNames(child, into));
    } else if (node.isArray()) {
      node.forEach(child -> collectSecretNames(child, into));
    }
  }

  private static Iterable<JsonNode> iterable(JsonNode node) {
    return node::elements;
  }
}
