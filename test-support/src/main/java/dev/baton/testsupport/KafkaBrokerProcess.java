package dev.baton.testsupport;

import dev.baton.schemas.topic.TopicProvisioner;
import dev.baton.schemas.topic.Topics;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.awaitility.Awaitility;

/**
 * The broker of {@link EmbeddedKafka} (same configuration, every Baton topic created), but in a
 * process of its own, for a test that must crash it: {@link #kill()} is a SIGKILL (no controlled
 * shutdown, no final flush, open transactions and group members left as they were), {@link
 * #stop()} a SIGTERM (Kafka's controlled shutdown), and {@link #start()} runs it again on the same
 * ports and log dir, which it recovers as a broker restarted in production would.
 *
 * <p>The process is Kafka's own {@code kafka.Kafka} main on the test JVM's class path (which holds
 * the broker's artifacts), its output appended to {@code log}.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);
  /**
   * The broker's INFO log (its recovery after a crash among it), without the configuration dumps,
   * to the console and so to {@code log}, through the class path's SLF4J binding (JBoss LogManager).
   */
  private static final String LOGGING = """
      loggers=org.apache.kafka.common.config.AbstractConfig
      logger.org.apache.kafka.common.config.AbstractConfig.level=WARN
      logger.level=INFO
      logger.handlers=CONSOLE
      handler.CONSOLE=org.jboss.logmanager.handlers.ConsoleHandler
      handler.CONSOLE.formatter=PATTERN
      formatter.PATTERN=org.jboss.logmanager.formatters.PatternFormatter
      formatter.PATTERN.properties=pattern
      formatter.PATTERN.pattern=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c] %s%e%n
      """;

  private final Path logDir;
  private final Path config;
  private final Path log;
  private final String bootstrapServers;
  private Process process;

  /** Formats a new log dir, starts the broker on free ports and creates the registry's topics. */
  public KafkaBrokerProcess(Path log) {
    this.log = log;
    try {
      logDir = Files.createTempDirectory("baton-kafka-process-");
      int brokerPort = FreePorts.next();
      config = logDir.resolve("server.properties");
      try (var out = Files.newBufferedWriter(config)) {
        EmbeddedKafka.brokerProperties(brokerPort, FreePorts.next(), logDir.resolve("data"))
            .store(out, "Baton test broker (process)");
      }
      EmbeddedKafka.format(config);
      Files.writeString(logDir.resolve("logging.properties"), LOGGING);
      bootstrapServers = "127.0.0.1:" + brokerPort;
      start();
      TopicProvisioner.ensure(bootstrapServers, 2, (short) 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the topics on the broker process", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Starts the broker (again) and returns once it leads every partition of the registry's topics
   * that exist, i.e. once clients can produce and consume again. After a {@link #kill()} that takes
   * Kafka's {@code broker.session.timeout.ms} (9 s) more: the controller refuses the new broker's
   * registration until the dead one's session has expired, as it would in production.
   */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the broker is running");
    }
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    // The test's class path without Quarkus, whose log configurator (for Quarkus to set up later)
    // would otherwise leave the broker's JBoss LogManager without a handler.
    String classPath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.contains(File.separator + "io" + File.separator + "quarkus" + File.separator))
        .collect(Collectors.joining(File.pathSeparator));
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
        "-Dlogging.configuration=" + logDir.resolve("logging.properties").toUri(),
        "-cp", classPath, "kafka.Kafka", config.toString());
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Files.createDirectories(log.getParent());
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitServing();
  }

  /** SIGKILL: the broker dies at once, as in a crash or an OOM kill. */
  public synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: Kafka's controlled shutdown. */
  public synchronized void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private void awaitServing() {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
      Awaitility.await("the broker serving").atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> {
        if (!process.isAlive()) {
          throw new IllegalStateException("the broker exited with " + process.exitValue() + "; see " + log);
        }
        return serving(admin);
      });
    }
  }

  /** True when the broker answers and has a leader for every partition of the registry's topics. */
  private static boolean serving(Admin admin) throws InterruptedException {
    try {
      var names = admin.listTopics().names().get(3, TimeUnit.SECONDS);
      List<String> ours = Topics.all().stream().map(t -> t.name()).filter(names::contains).toList();
      Map<String, TopicDescription> topics = admin.describeTopics(ours).allTopicNames().get(3, TimeUnit.SECONDS);
      return topics.values().stream().flatMap(t -> t.partitions().stream()).allMatch(p -> p.leader() != null);
    } catch (ExecutionException | TimeoutException notYet) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      if (process != null && process.isAlive()) {
        stop();
      }
    } finally {
      try (Stream<Path> files = Files.walk(logDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // Best effort: a temp dir left behind does no harm.
      }
    }
  }
}
