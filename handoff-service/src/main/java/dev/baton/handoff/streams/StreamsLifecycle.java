package dev.baton.handoff.streams;

import dev.baton.handoff.config.HandoffConfig;
import dev.baton.handoff.engine.ConversationEngine;
import dev.baton.handoff.engine.StateLimits;
import dev.baton.handoff.engine.VoiceTiming;
import dev.baton.handoff.topology.FailedRecords;
import dev.baton.handoff.topology.HandoffTopology;
import dev.baton.schemas.topic.TopicProvisioner;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaSettings;
import dev.baton.support.metrics.BatonMetrics;
import dev.baton.tenant.TenantDirectory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the handoff topology with plain Kafka Streams inside Quarkus: started after the topics
 * are provisioned, closed on shutdown so that state is flushed and the task is handed over
 * cleanly.
 */
@ApplicationScoped
public class StreamsLifecycle {
  private static final Logger LOG = Logger.getLogger(StreamsLifecycle.class);

  private final HandoffConfig config;
  private final TenantDirectory tenants;
  private final KafkaSettings kafka;
  private final short replication;
  private final int sessionTimeoutMs;
  private final int heartbeatIntervalMs;
  private final boolean provisionTopics;
  private volatile KafkaStreams streams;
  private final ThreadFailurePolicy threadFailures;
  /** Shared by the topology and its exception handlers (see {@link FailedRecords}). */
  private final FailedRecords failedRecords = new FailedRecords();
  /** Set by CDI; absent where a test runs a topology of its own. */
  @Inject
  MeteredDecisions decisions;

  @Inject
  BatonMetrics metrics;

  public StreamsLifecycle(
      HandoffConfig config,
      TenantDirectory tenants,
      KafkaSettings kafka,
      @ConfigProperty(name = "baton.kafka.session-timeout-ms") int sessionTimeoutMs,
      @ConfigProperty(name = "baton.kafka.heartbeat-interval-ms") int heartbeatIntervalMs,
      @ConfigProperty(name = "baton.topics.provision", defaultValue = "true") boolean provisionTopics,
      @ConfigProperty(name = "baton.topics.replication", defaultValue = "1") short replication) {
    this.config = config;
    this.tenants = tenants;
    this.kafka = kafka;
    this.replication = replication;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.provisionTopics = provisionTopics;
    this.threadFailures = new ThreadFailurePolicy(config.maxThreadFailures(), config.threadFailureWindow());
  }

  void start(@Observes @Priority(10) StartupEvent ev) {
    var limits = new StateLimits(config.eventTimeWindow(), config.maxStateBytes(), config.maxSlotsPerType());
    var voice = new VoiceTiming(config.voice().wordsPerSecond(), config.voice().sentencePause(),
        config.voice().reportMargin());
    var topology = HandoffTopology.build(new ConversationEngine(tenants, limits, voice),
        config.silenceCheckInterval(), config.retentionCheckInterval(), failedRecords, decisions);
    LOG.debug(topology.describe());
    if (provisionTopics) {
      alignChangelogs();
    }
    start(topology, properties());
  }

  /** Runs {@code topology} with {@code props} under this lifecycle's failure policy. */
  void start(Topology topology, Properties props) {
    streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(this::onThreadFailure);
    if (metrics != null) {
      // Kafka Streams' own metrics (lag, commit and process rates, ...) and whether it runs at all.
      new KafkaStreamsMetrics(streams).bindTo(metrics.registry());
      Gauge.builder("baton.streams.running", this, l -> l.state().isRunningOrRebalancing() ? 1 : 0)
          .description("1 while the handoff topology runs (or rebalances), 0 once it has stopped")
          .register(metrics.registry());
      Gauge.builder("baton.streams.thread.failures", this, StreamsLifecycle::recentThreadFailures)
          .description("stream thread failures within handoff.thread-failure-window")
          .register(metrics.registry());
    }
    streams.start();
  }

  /**
   * Changelogs created before Kafka Streams was told their record limit (see {@link #properties()})
   * are brought in line with it; new ones are created with it.
   */
  private void alignChangelogs() {
    Map<String, String> limit = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Topics.MAX_MESSAGE_BYTES));
    try {
      var aligned = TopicProvisioner.alignExisting(kafka.common(), Map.of(
          changelog(HandoffTopology.CONVERSATION_STORE), limit, changelog(HandoffTopology.DEADLINE_STORE), limit));
      if (!aligned.isEmpty()) {
        LOG.infof("aligned changelog settings %s", aligned);
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // Not fatal: such a changelog keeps the broker's limit, which is not below the topics'.
      LOG.warnf("could not align the changelogs' record limit: %s", e.toString());
    }
  }

  /** Kafka Streams' name for the changelog of {@code store}. */
  static String changelog(String store) {
    return HandoffTopology.APPLICATION_ID + "-" + store + "-changelog";
  }

  /**
   * A failed thread is replaced, since the cause may be passing (the broker restarting). Failing
   * again and again means it is not: the client shuts down, liveness goes DOWN, and the platform
   * restarts the service instead of leaving it alive and doing nothing. A thread stopped so that a
   * refused record's transaction is aborted is replaced without counting: its replacement
   * dead-letters the record.
   */
  StreamThreadExceptionResponse onThreadFailure(Throwable e) {
    if (failedRecords.settledOnRetry(e)) {
      LOG.warnf("stream thread stopped to abort a transaction; its replacement dead-letters the record (%s)", e.toString());
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    StreamThreadExceptionResponse response = threadFailures.onFailure(Instant.now());
    if (response == StreamThreadExceptionResponse.SHUTDOWN_CLIENT) {
      LOG.errorf(e, "stream thread failed more than %d times within %s; shutting down the streams client",
          config.maxThreadFailures(), config.threadFailureWindow());
    } else {
      LOG.error("stream thread failed; replacing it", e);
    }
    return response;
  }

  /**
   * Finishes the records in hand, commits, and leaves the group at once, so that a survivor (or
   * this instance's replacement) takes the partitions over now rather than when the session would
   * have timed out.
   */
  void stop(@Observes ShutdownEvent ev) {
    if (streams != null) {
      streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
    }
  }

  public KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.CREATED : streams.state();
  }

  /** Stream thread failures within the configured window, up to now. */
  public int recentThreadFailures() {
    return threadFailures.recent(Instant.now());
  }

  Properties properties() {
    Properties p = new Properties();
    // The operator's connection settings (bootstrap servers, security, client.rack, ...) reach
    // every client Kafka Streams creates; Baton's own below take precedence.
    p.putAll(kafka.common());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, HandoffTopology.APPLICATION_ID);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().orElseGet(StreamsLifecycle::tempStateDir));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication);
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    // Streams' consumers do not leave the group on close unless told; a graceful shutdown should
    // hand the partitions over at once (a crash still waits for the session timeout).
    p.put(StreamsConfig.consumerPrefix("internal.leave.group.on.close"), true);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // How soon the partitions of an instance that died without leaving move to its restart.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), sessionTimeoutMs);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), heartbeatIntervalMs);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 10_000);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.MAX_MESSAGE_BYTES);
    // The changelogs (internal topics) take the same record limit as every Baton topic.
    p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), Topics.MAX_MESSAGE_BYTES);
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    p.put(FailedRecords.CONFIG, failedRecords);
    return p;
  }

  private static String tempStateDir() {
    try {
      return Files.createTempDirectory("baton-handoff-").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
