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
 * how tests get a real broker; it is stopped by a shutdown hook.
 *
 * <p>A test may {@link #shutdown()} it and {@link #startup()} it again (a new server on the same
 * ports and log dir, so every record, offset and transaction survives), as a broker restart in
 * production would. The broker is shared by the JVM's test classes: a test that stops it starts
 * it again before it ends.
 */
public final class EmbeddedKafka {
  private static EmbeddedKafka instance;

  private final Properties props;
  private final String bootstrapServers;
  private final Path logDir;
  private KafkaRaftServer server;

  private EmbeddedKafka() {
    try {
      logDir = Files.createTempDirectory("baton-kafka-");
      int brokerPort = FreePorts.next();
      int controllerPort = FreePorts.next();
      props = new Properties();
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
      Path config = logDir.resolve("server.properties");
      try (var out = Files.newBufferedWriter(config)) {
        props.store(out, "Baton test broker");
      }
      format(config);
      server = newServer(props);
      server.startup();
      bootstrapServers = "127.0.0.1:" + brokerPort;
      TopicProvisioner.ensure(bootstrapServers, 2, (short) 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the test Kafka broker", e);
    }
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

  /** Stops the broker (a controlled shutdown) and keeps its log dir for {@link #startup()}. */
  public synchronized void shutdown() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts the broker again after {@link #shutdown()}: same node, ports, cluster and log dir. */
  public synchronized void startup() {
    if (server == null) {
      KafkaRaftServer restarted = newServer(props);
      restarted.startup();
      server = restarted;
    }
  }

  public synchronized boolean running() {
    return server != null;
  }

  private static KafkaRaftServer newServer(Properties props) {
    return new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
  }

  private static void format(Path config) {
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
      shutdown();
    } finally {
      try (Stream<Path> files = Files.walk(logDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // Best effort: a temp dir left behind does no harm.
      }
    }
  }
}
