package dev.baton.schemas.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the registry's topics that are missing, with the right cleanup policy, record limit and
 * retention, and brings topics that already exist in line with the registry's record limit and
 * retention. Idempotent, so every service may call it at start; in production, topics can be
 * created by the platform instead and this step turned off.
 */
public final class TopicProvisioner {
  /**
   * Settings aligned on a topic that already exists. The cleanup policy is only set when a topic
   * is created: turning a log into a compacted topic, or back, is not a change to make behind an
   * operator's back.
   */
  static final Set<String> ALIGNED = Set.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, TopicConfig.RETENTION_MS_CONFIG);

  private static final long TIMEOUT_S = 30;

  private TopicProvisioner() {}

  /**
   * What the provisioner is told.
   *
   * @param partitions partitions of the topics it creates
   * @param replication replication factor of the topics it creates
   * @param turnsRetention how long {@code conversation-turns} keeps a turn
   */
  public record Settings(int partitions, short replication, Duration turnsRetention) {
    public Settings {
      if (partitions < 1 || replication < 1) {
        throw new IllegalArgumentException("partitions and replication must be at least 1");
      }
      if (turnsRetention == null || turnsRetention.isNegative() || turnsRetention.isZero()) {
        throw new IllegalArgumentException("turnsRetention must be positive, was " + turnsRetention);
      }
    }

    /** With the registry's retention for {@code conversation-turns}. */
    public Settings(int partitions, short replication) {
      this(partitions, replication, Topics.DEFAULT_TURNS_RETENTION);
    }
  }

  /**
   * What one run did.
   *
   * @param created the topics it created
   * @param aligned per topic that existed, the settings it changed and their new values
   */
  public record Result(List<String> created, Map<String, Map<String, String>> aligned) {}

  /**
   * Usage: {@code TopicProvisioner <bootstrap-servers> [partitions] [replication-factor]
   * [turns-retention, ISO-8601 such as P90D]}.
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: TopicProvisioner <bootstrap-servers> [partitions] [replication] [turns-retention]");
      System.exit(2);
    }
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    short replication = args.length > 2 ? Short.parseShort(args[2]) : 1;
    Duration turns = args.length > 3 ? Duration.parse(args[3]) : Topics.DEFAULT_TURNS_RETENTION;
    Result result = ensure(args[0], new Settings(partitions, replication, turns));
    System.out.println("created topics: " + (result.created().isEmpty() ? "none (all present)" : result.created()));
    System.out.println("aligned topics: " + (result.aligned().isEmpty() ? "none (all in line)" : result.aligned()));
  }

  /** {@link #ensure(String, Settings)} with the registry's retentions. */
  public static Result ensure(String bootstrapServers, int partitions, short replication)
      throws InterruptedException, ExecutionException, TimeoutException {
    return ensure(bootstrapServers, new Settings(partitions, replication));
  }

  /**
   * Creates the missing topics of {@link Topics#all()} and aligns the {@link #ALIGNED} settings of
   * those that exist.
   */
  public static Result ensure(String bootstrapServers, Settings settings)
      throws InterruptedException, ExecutionException, TimeoutException {
    return ensure(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), settings);
  }

  /**
   * {@link #ensure(String, Settings)} through an admin client configured by {@code clientConfig}
   * (bootstrap servers, security and any other Kafka client setting).
   */
  public static Result ensure(Map<String, Object> clientConfig, Settings settings)
      throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = admin(clientConfig)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      Map<String, Map<String, String>> present = new LinkedHashMap<>();
      for (Topic<String, ?> topic : Topics.all()) {
        if (existing.contains(topic.name())) {
          present.put(topic.name(), configOf(topic, settings));
        } else {
          missing.add(newTopic(topic, settings));
        }
      }
      List<String> created = new ArrayList<>();
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(TIMEOUT_S, TimeUnit.SECONDS);
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          // Another service created it between our list and create: that is the goal anyway.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      return new Result(List.copyOf(created), alignExisting(admin, present));
    }
  }

  /**
   * Sets, on those of {@code wanted}'s topics that exist, each {@link #ALIGNED} setting whose value
   * differs; other settings are left as they are. For topics outside the registry too (Kafka
   * Streams' changelogs), which exist only once their application first ran.
   *
   * @return per topic changed, the settings set and their values
   */
  public static Map<String, Map<String, String>> alignExisting(
      String bootstrapServers, Map<String, Map<String, String>> wanted)
      throws InterruptedException, ExecutionException, TimeoutException {
    return alignExisting(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), wanted);
  }

  /** {@link #alignExisting(String, Map)} through an admin client configured by {@code clientConfig}. */
  public static Map<String, Map<String, String>> alignExisting(
      Map<String, Object> clientConfig, Map<String, Map<String, String>> wanted)
      throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = admin(clientConfig)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
      Map<String, Map<String, String>> present = new LinkedHashMap<>(wanted);
      present.keySet().retainAll(existing);
      return alignExisting(admin, present);
    }
  }

  private static Map<String, Map<String, String>> alignExisting(Admin admin, Map<String, Map<String, String>> wanted)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (wanted.isEmpty()) {
      return Map.of();
    }
    List<ConfigResource> resources = wanted.keySet().stream()
        .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
    Map<ConfigResource, Config> current = admin.describeConfigs(resources).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
    Map<String, Map<String, String>> aligned = new LinkedHashMap<>();
    for (ConfigResource resource : resources) {
      Config config = current.get(resource);
      List<AlterConfigOp> ops = new ArrayList<>();
      Map<String, String> set = new LinkedHashMap<>();
      for (var want : wanted.get(resource.name()).entrySet()) {
        if (!ALIGNED.contains(want.getKey())) {
          continue;
        }
        ConfigEntry entry = config == null ? null : config.get(want.getKey());
        if (entry == null || !want.getValue().equals(entry.value())) {
          ops.add(new AlterConfigOp(new ConfigEntry(want.getKey(), want.getValue()), AlterConfigOp.OpType.SET));
          set.put(want.getKey(), want.getValue());
        }
      }
      if (!ops.isEmpty()) {
        changes.put(resource, ops);
        aligned.put(resource.name(), Map.copyOf(set));
      }
    }
    if (!changes.isEmpty()) {
      admin.incrementalAlterConfigs(changes).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    }
    return Map.copyOf(aligned);
  }

  /** The settings the registry states for {@code topic}. */
  public static Map<String, String> configOf(Topic<String, ?> topic, Settings settings) {
    Map<String, String> config = new HashMap<>();
    // Stated on every topic rather than inherited from the broker, so that the producers'
    // max.request.size and the handoff state's size bound are checked against the same number.
    config.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Topics.MAX_MESSAGE_BYTES));
    if (topic.compacted()) {
      config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      // Compaction removes tombstones of deleted conversations after a day.
      config.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, "86400000");
    }
    Duration retention = topic.name().equals(Topics.CONVERSATION_TURNS.name())
        ? settings.turnsRetention() : topic.retention();
    if (retention != null) {
      config.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis()));
    }
    return Map.copyOf(config);
  }

  static NewTopic newTopic(Topic<String, ?> topic, Settings settings) {
    return new NewTopic(topic.name(), Optional.of(settings.partitions()), Optional.of(settings.replication()))
        .configs(configOf(topic, settings));
  }

  private static Admin admin(Map<String, Object> clientConfig) {
    Properties props = new Properties();
    props.putAll(clientConfig);
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return Admin.create(props);
  }
}
