package dev.baton.schemas.topic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes Baton's Strimzi resources from the topic registry, so that the cluster's topics and ACLs
 * cannot drift from what the services use: a {@code KafkaTopic} per topic of {@link Topics#all()}
 * with the settings of {@link TopicProvisioner#configOf}, and a {@code KafkaUser} per service with
 * the ACLs of {@link TopicAccess}. The files are committed under {@code deploy/k8s/base/kafka/};
 * {@code StrimziManifestsTest} fails when they differ from what this class makes.
 */
public final class StrimziManifests {

  /**
   * Partitions of every topic. One count for all: the handoff topology reads enriched-events and
   * agent-actions into one processor, which needs them co-partitioned; and a consumer group never
   * runs more busy members than its topic has partitions, so this bounds each service's scale-out
   * (the autoscalers' maxReplicaCount). Kafka can add partitions but never remove them, and adding
   * them moves keys, so choose it with headroom. Keep BATON_TOPICS_PARTITIONS the same where the
   * services create topics themselves.
   */
  public static final int PARTITIONS = 12;
  /** Replicas of every topic on a production cluster (the dev overlay patches it down to 1). */
  public static final int REPLICAS = 3;
  /** With 3 replicas: an acks=all write survives one broker down, and is refused with two. */
  public static final int MIN_INSYNC_REPLICAS = 2;
  /** The Strimzi {@code Kafka} resource these belong to (label {@code strimzi.io/cluster}). */
  public static final String CLUSTER = "baton";
  /** The Kafka user the KEDA autoscaler reads consumer lag as. */
  public static final String LAG_READER = "keda-lag-reader";
  /** The Secret (created by the operator) holding the lag reader's password and KEDA's settings. */
  public static final String LAG_READER_SECRET = "baton-keda-kafka";

  static final String TOPICS_FILE = "topics.yaml";
  static final String USERS_FILE = "users.yaml";
  static final String REGENERATE =
      "mvn -B -ntp -q -pl schemas compile exec:java -Dexec.mainClass=dev.baton.schemas.topic.StrimziManifests"
          + " -Dexec.args=\"$PWD/deploy/k8s/base/kafka\"";

  private static final String API_VERSION = "kafka.strimzi.io/v1";

  private StrimziManifests() {}

  /** Usage: {@code StrimziManifests <output-dir>}: writes topics.yaml and users.yaml there. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: StrimziManifests <output-dir>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(TOPICS_FILE), topicsYaml(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(USERS_FILE), usersYaml(), StandardCharsets.UTF_8);
    System.out.println("wrote " + dir.resolve(TOPICS_FILE) + " and " + dir.resolve(USERS_FILE));
  }

  /** The {@code KafkaTopic} of every registry topic, pipeline topics and dead-letter topics. */
  public static String topicsYaml() {
    StringBuilder out = header("KafkaTopic per topic of the registry (Topics, TopicProvisioner.configOf)");
    var settings = new TopicProvisioner.Settings(PARTITIONS, (short) REPLICAS);
    for (Topic<String, ?> topic : Topics.all()) {
      Map<String, String> config = new TreeMap<>(TopicProvisioner.configOf(topic, settings));
      config.put("min.insync.replicas", String.valueOf(MIN_INSYNC_REPLICAS));
      out.append("---\n");
      resourceHead(out, "KafkaTopic", topic.name());
      out.append("spec:\n");
      out.append("  topicName: ").append(topic.name()).append('\n');
      out.append("  partitions: ").append(PARTITIONS).append('\n');
      out.append("  replicas: ").append(REPLICAS).append('\n');
      out.append("  config:\n");
      config.forEach((k, v) -> out.append("    ").append(k).append(": ").append(scalar(v)).append('\n'));
    }
    return out.toString();
  }

  /**
   * A SCRAM-SHA-512 {@code KafkaUser} per service, allowed only its own topics, groups and (for
   * the Streams app) internal topics and transactional ids; and the autoscaler's lag reader.
   */
  public static String usersYaml() {
    StringBuilder out = header("KafkaUser per service with the ACLs of TopicAccess");
    out.append("# Kafka's ACL rules: Read and Write imply Describe.\n");
    for (TopicAccess.Service s : TopicAccess.services()) {
      List<String> acls = new ArrayList<>();
      s.reads().forEach(t -> acls.add(acl("topic", t, "literal", "Read")));
      s.writes().forEach(t -> acls.add(acl("topic", t, "literal", "Write")));
      s.groups().forEach(g -> acls.add(acl("group", g, "literal", "Read")));
      s.groupPrefixes().forEach(g -> acls.add(acl("group", g, "prefix", "Read")));
      s.streamsApplicationId().ifPresent(app -> {
        acls.add(acl("group", app, "literal", "Read"));
        // Changelogs and repartition topics: Streams creates them, aligns their configs and
        // purges repartition records it has processed.
        acls.add(acl("topic", app + "-", "prefix",
            "Create", "Delete", "Read", "Write", "DescribeConfigs", "AlterConfigs"));
        // exactly_once_v2: one transactional id per stream thread, <application.id>-<process>-<n>.
        acls.add(acl("transactionalId", app + "-", "prefix", "Write", "Describe"));
      });
      user(out, s.service(), null, acls);
    }
    List<String> lag = new ArrayList<>();
    TopicAccess.services().forEach(s -> {
      if (!s.allGroups().isEmpty()) {
        s.reads().forEach(t -> lag.add(acl("topic", t, "literal", "Describe")));
      }
      s.allGroups().forEach(g -> lag.add(acl("group", g, "literal", "Describe")));
    });
    user(out, LAG_READER, LAG_READER_SECRET, lag.stream().distinct().toList());
    return out.toString();
  }

  private static void user(StringBuilder out, String name, String passwordSecret, List<String> acls) {
    out.append("---\n");
    resourceHead(out, "KafkaUser", name);
    out.append("spec:\n");
    out.append("  authentication:\n");
    out.append("    type: scram-sha-512\n");
    if (passwordSecret != null) {
      // A password the operator sets, so that KEDA's TriggerAuthentication reads it, with the
      // user name and settings, from one Secret (Strimzi's own Secret holds no user name).
      out.append("    password:\n");
      out.append("      valueFrom:\n");
      out.append("        secretKeyRef:\n");
      out.append("          name: ").append(passwordSecret).append('\n');
      out.append("          key: password\n");
    }
    out.append("  authorization:\n");
    out.append("    type: simple\n");
    out.append("    acls:\n");
    acls.forEach(out::append);
  }

  private static String acl(String type, String name, String pattern, String... operations) {
    return "      - resource:\n"
        + "          type: " + type + "\n"
        + "          name: " + name + "\n"
        + "          patternType: " + pattern + "\n"
        + "        operations: [" + String.join(", ", operations) + "]\n";
  }

  private static StringBuilder header(String what) {
    return new StringBuilder()
        .append("# GENERATED by dev.baton.schemas.topic.StrimziManifests: a ").append(what).append(".\n")
        .append("# Do not edit. Regenerate from the repository root with:\n")
        .append("#   ").append(REGENERATE).append('\n');
  }

  private static void resourceHead(StringBuilder out, String kind, String name) {
    out.append("apiVersion: ").append(API_VERSION).append('\n');
    out.append("kind: ").append(kind).append('\n');
    out.append("metadata:\n");
    out.append("  name: ").append(name).append('\n');
    out.append("  labels:\n");
    out.append("    strimzi.io/cluster: ").append(CLUSTER).append('\n');
  }

  /** Numbers stay numbers; anything else is quoted. */
  private static String scalar(String value) {
    return value.matches("-?[0-9]+") ? value : "\"" + value + "\"";
  }
}
