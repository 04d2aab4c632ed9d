package dev.baton.handoff.streams;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.support.kafka.KafkaSettings;
import dev.baton.handoff.config.HandoffConfig;
import dev.baton.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * Liveness through the real health check, with the service's own Kafka Streams lifecycle (its
 * properties, exception handlers and thread-failure policy) on the real broker: a record that
 * kills the stream thread every time it is read (a failure none of the handlers can settle) has
 * the thread replaced, and read again, until the client shuts down and liveness goes DOWN.
 */
class LivenessOnRealBrokerTest {

  /** The service's defaults; the state in a temp dir. */
  private static final HandoffConfig CONFIG = new HandoffConfig() {
    public Optional<String> stateDir() { return Optional.empty(); }
    public Duration silenceCheckInterval() { return Duration.ofMillis(100); }
    public Duration retentionCheckInterval() { return Duration.ofMinutes(1); }
    public Duration commitInterval() { return Duration.ofMillis(100); }
    public int streamThreads() { return 1; }
    public int standbyReplicas() { return 0; }
    public Duration eventTimeWindow() { return Duration.ofHours(24); }
    public int maxStateBytes() { return 262144; }
    public int maxSlotsPerType() { return 8; }
    public int maxThreadFailures() { return 3; }
    public Duration threadFailureWindow() { return Duration.ofMinutes(5); }
    public Voice voice() {
      return new Voice() {
        public double wordsPerSecond() { return 2.5; }
        public Duration sentencePause() { return Duration.ofMillis(500); }
        public Duration reportMargin() { return Duration.ofSeconds(10); }
      };
    }
  };

  // The stream threads' deaths are what the test is about: they must not fail the awaits.
  @Test
  void aStreamThreadThatKeepsDyingIsReplacedUntilLivenessGoesDown() throws Exception {
    String bootstrap = EmbeddedKafka.get().bootstrapServers();
    String input = "liveness-test-" + UUID.randomUUID();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(input, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    AtomicInteger reads = new AtomicInteger();
    Topology topology = new Topology();
    topology.addSource("input", new StringDeserializer(), new StringDeserializer(), input);
    topology.addProcessor("always-fails", () -> new Processor<String, String, Void, Void>() {
      @Override
      public void process(Record<String, String> record) {
        reads.incrementAndGet();
        throw new IllegalStateException("a bug this record always meets");
      }
    }, "input");

    // The tenants are not needed: the test brings its own topology.
    StreamsLifecycle lifecycle = new StreamsLifecycle(CONFIG, null,
        new KafkaSettings(Map.of("bootstrap.servers", bootstrap)), 10_000, 3_000, false, (short) 1);
    Properties props = lifecycle.properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "liveness-test-" + UUID.randomUUID());
    StreamsHealth.Alive alive = new StreamsHealth.Alive(lifecycle);
    StreamsHealth.Ready ready = new StreamsHealth.Ready(lifecycle);
    try {
      lifecycle.start(topology, props);
      await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).until(() -> lifecycle.state() == KafkaStreams.State.RUNNING);
      assertEquals(HealthCheckResponse.Status.UP, alive.call().getStatus());

      try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
          new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(input, "acme/c-1", "poison")).get(30, TimeUnit.SECONDS);
      }

      await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).until(() -> alive.call().getStatus() == HealthCheckResponse.Status.DOWN);
      HealthCheckResponse down = alive.call();
      Map<String, Object> data = down.getData().orElseThrow();
      assertEquals(4L, data.get("recentThreadFailures"), "3 failures tolerated, the 4th shuts the client down");
      assertEquals(4, reads.get(), "each replacement thread read the same record again");
      assertEquals(HealthCheckResponse.Status.DOWN, ready.call().getStatus());
    } finally {
      lifecycle.stop(null);
    }
  }
}
