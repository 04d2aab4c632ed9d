package dev.baton.testsupport;

import dev.baton.schemas.topic.TopicProvisioner;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft broker (combined broker and controller) inside the test JVM, started
 * once per JVM on free ports, with every Baton topic created. There is no Docker here, so this is
 * how tests get a real broker; it is stopped by a shutdown hook. A test that must crash the broker
 * runs its own {@link KafkaBrokerProcess} instead.
 */
public final class EmbeddedKafka {
  private static EmbeddedKafka instance;

  private final String bootstrapServers;
  private final Path logDir;
  private final KafkaRaftServer server;

  private EmbeddedKafka() {
    try {
      logDir = Files.createTempDirectory("baton-kafka-");
      int brokerPort = FreePorts.next();
      int controllerPort = FreePorts.next();
      Properties props = brokerProperties(brokerPort, controllerPort, logDir);
      Path config = logDir.resolve("server.properties");
      try (var out = Files.newBufferedWriter(config)) {
        props.store(out, "Baton test broker");
      }
      format(config);
      server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      bootstrapServers = "127.0.0.1:" + brokerPort;
      TopicProvisioner.ensure(bootstrapServers, 2, (short) 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the test Kafka broker", e);
    }
  }

  /**
   * A single-node KRaft broker (combined broker and controller) on these ports and this log dir:
   * every internal topic with one replica, no topic created by a client's request.
   */
  static Properties brokerProperties(int brokerPort, int controllerPort, Path logDir) {
    Properties props = new Properties();
    props.putAll(
        Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
            Map.entry(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
            Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            Map.entry("log.dirs", logDir.toString()),
            Map.entry("num.partitions", "2"),
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "4"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "4"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("auto.create.topics.enable", "false")));
    return props;
  }

  /** The broker of this JVM, started on first use. */
  public static synchronized EmbeddedKafka get() {
    if (instance == null) {
      instance = new EmbeddedKafka();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "embedded-kafka-stop"));
    }
    return instance;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Formats the log dir named in {@code config} for a new cluster. */
  static void format(Path config) {
    var sink = new java.io.ByteArrayOutputStream();
    String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()};
    try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
      kafka.tools.StorageTool.execute(args, out);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot format test broker storage: " + sink, e);
    }
  }

  private void stop() {
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      try (Stream<Path> files = Files.walk(logDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // Best effort: a temp dir left behind does no harm.
      }
    }
  }
}
