package dev.baton.schemas.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the registry's topics that are missing, with the right cleanup policy. Idempotent, so
 * every service may call it at start; in production, topics can be created by the platform
 * instead and this step turned off.
 */
public final class TopicProvisioner {
  private TopicProvisioner() {}

  /** Usage: {@code TopicProvisioner <bootstrap-servers> [partitions] [replication-factor]}. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: TopicProvisioner <bootstrap-servers> [partitions] [replication]");
      System.exit(2);
    }
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    short replication = args.length > 2 ? Short.parseShort(args[2]) : 1;
    List<String> created = ensure(args[0], partitions, replication);
    System.out.println("created topics: " + (created.isEmpty() ? "none (all present)" : created));
  }

  /** Creates the missing topics of {@link Topics#all()}; returns the names it created. */
  public static List<String> ensure(String bootstrapServers, int partitions, short replication)
      throws InterruptedException, ExecutionException, TimeoutException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<String, ?> topic : Topics.all()) {
        if (!existing.contains(topic.name())) {
          missing.add(newTopic(topic, partitions, replication));
        }
      }
      List<String> created = new ArrayList<>();
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          // Another service created it between our list and create: that is the goal anyway.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      return created;
    }
  }

  static NewTopic newTopic(Topic<String, ?> topic, int partitions, short replication) {
    Map<String, String> config = new java.util.HashMap<>();
    // Stated on every topic rather than inherited from the broker, so that the producers'
    // max.request.size and the handoff state's size bound are checked against the same number.
    config.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Topics.MAX_MESSAGE_BYTES));
    if (topic.compacted()) {
      config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      // Compaction removes tombstones of deleted conversations after a day.
      config.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, "86400000");
    }
    return new NewTopic(topic.name(), Optional.of(partitions), Optional.of(replication))
        .configs(config);
  }
}
