package dev.baton.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.EmbeddedKafka;
import dev.baton.testsupport.TestTenants;
import dev.baton.tenant.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Messages per second the whole default pipeline decides (a load tool, not a test; never run by
 * the suite): the five packaged services as processes on the test JVM's broker, customer messages
 * of a realistic mix POSTed signed to the intake at a fixed offered rate, each in a new
 * conversation, until its decision — the bot's reply on {@code outbound-messages} or the handoff
 * on {@code handoffs} — is committed. Prints, per offered rate, what was decided per second and
 * the latency from POST to decision (p50/p95/p99). The load generator, the broker and the five
 * services share the machine's cores, so the figures are a floor.
 *
 * <pre>mvn -B -ntp -pl e2e-tests -am verify -Pbench -Dexec.skip=true -Dtest=PipelineThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Rates: {@code -Dbaton.bench.rates=100,250,500} (messages per second), each for {@code
 * -Dbaton.bench.seconds=30}.
 */
class PipelineThroughputBenchmark {
  /** What customers send: FAQ questions, requests with a story, complaints, small talk, person requests. */
  static final List<String> MIX = List.of(
      "what are your opening hours",
      "hi, are you open on saturday?",
      "where is my order? I placed it last Monday and haven't heard anything",
      "I was charged twice for my last order",
      "can I talk to a real person",
      "thanks, that's all",
      "the vase arrived smashed to pieces",
      "how long does delivery take to Ireland",
      "I want to cancel my order please, I ordered the wrong size",
      "great, another delay. thanks for nothing",
      "hello",
      "my parcel says delivered but it's not here",
      "can I change the delivery address on order 4471902",
      "what's the weather like today",
      "I forgot my password",
      "when do you open tomorrow");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void decidedMessagesPerSecond() throws Exception {
    assumeTrue(Boolean.getBoolean("baton.bench"), "a benchmark: run with -Pbench");
    List<Integer> rates = new ArrayList<>();
    for (String r : System.getProperty("baton.bench.rates", "100,250,500").split(",")) {
      rates.add(Integer.parseInt(r.trim()));
    }
    int seconds = Integer.getInteger("baton.bench.seconds", 30);
    try (CallbackReceiver callbacks = new CallbackReceiver();
        BatonProcesses baton = new BatonProcesses(callbacks.url(""))) {
      baton.awaitReady(Duration.ofMinutes(4));
      Map<String, Long> decidedAt = new ConcurrentHashMap<>();
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread watcher = new Thread(() -> watch(decidedAt, watching), "decision-watcher");
      watcher.start();
      URI intake = URI.create(baton.url("intake-service", "/v1/events"));
      run(intake, 50, 20, decidedAt, "warm-up (not reported)");
      StringBuilder table = new StringBuilder(
          "\n| offered msg/s | sent | decided | decided msg/s | p50 ms | p95 ms | p99 ms | undecided after 30 s |\n"
              + "|---|---|---|---|---|---|---|---|\n");
      for (int rate : rates) {
        table.append(run(intake, rate, seconds, decidedAt, rate + " msg/s"));
      }
      watching.set(false);
      watcher.join(5000);
      System.out.println("\nPipeline throughput (default configuration, " + Runtime.getRuntime().availableProcessors()
          + " cores shared by the broker, the load generator and the five services):" + table);
      assertTrue(decidedAt.size() > 0, "nothing was decided");
    }
  }

  /** Offers {@code rate} messages a second for {@code seconds}, then waits for their decisions. */
  private static String run(URI intake, int rate, int seconds, Map<String, Long> decidedAt, String label) throws Exception {
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    Semaphore inFlight = new Semaphore(256);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    String run = UUID.randomUUID().toString().substring(0, 8);
    AtomicInteger n = new AtomicInteger();
    int total = rate * seconds;
    long periodNanos = 1_000_000_000L / rate;
    ticker.scheduleAtFixedRate(() -> {
      int i = n.getAndIncrement();
      if (i >= total || !inFlight.tryAcquire()) {
        return; // over 256 unanswered POSTs: the intake is the limit; the shortfall shows as "sent"
      }
      String eventId = "bench-" + run + "-" + i;
      byte[] body = Json.write(Map.of(
          "eventId", eventId, "type", "CUSTOMER_MESSAGE", "tenantId", TestTenants.TENANT,
          "conversationId", "bench-" + run + "-c" + i, "channel", "WEBCHAT", "occurredAt", Instant.now().toString(),
          "customer", Map.of("id", "cust-" + i), "text", MIX.get(i % MIX.size()))).getBytes(StandardCharsets.UTF_8);
      long ts = Instant.now().getEpochSecond();
      HttpRequest request = HttpRequest.newBuilder(intake).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
          .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(TestTenants.SECRET, ts, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      long start = System.nanoTime();
      HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
        inFlight.release();
        if (e == null && r.statusCode() == 202) {
          sentAt.put(eventId, start);
        } else {
          refused.incrementAndGet();
        }
      });
    }, 0, periodNanos, TimeUnit.NANOSECONDS);
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() < end || n.get() < total && System.nanoTime() < end + 5_000_000_000L) {
      Thread.sleep(100);
    }
    ticker.shutdownNow();
    long firstSent = sentAt.values().stream().mapToLong(Long::longValue).min().orElse(System.nanoTime());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && !sentAt.keySet().stream().allMatch(decidedAt::containsKey)) {
      Thread.sleep(200);
    }
    List<Long> latencies = new ArrayList<>();
    long lastDecided = firstSent;
    for (Map.Entry<String, Long> s : sentAt.entrySet()) {
      Long d = decidedAt.get(s.getKey());
      if (d != null) {
        latencies.add(d - s.getValue());
        lastDecided = Math.max(lastDecided, d);
      }
    }
    Collections.sort(latencies);
    double spanSeconds = Math.max(1e-9, (lastDecided - firstSent) / 1e9);
    String row = String.format("| %s | %d | %d | %.0f | %.0f | %.0f | %.0f | %d |%n", label, sentAt.size(), latencies.size(),
        latencies.size() / spanSeconds, pct(latencies, 0.50), pct(latencies, 0.95), pct(latencies, 0.99),
        sentAt.size() - latencies.size());
    System.out.print(row + (refused.get() > 0 ? "  (" + refused.get() + " POSTs refused or failed)\n" : ""));
    return row;
  }

  private static double pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
  }

  /** The first decision for each event: a bot reply it caused, or the handoff it triggered. */
  private static void watch(Map<String, Long> decidedAt, AtomicBoolean watching) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.OUTBOUND_MESSAGES.name(), Topics.HANDOFFS.name()));
      while (watching.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          String cause = r.topic().equals(Topics.HANDOFFS.name())
              ? Json.read(new String(r.value(), StandardCharsets.UTF_8), HandoffRecord.class).audit().eventId()
              : Json.read(new String(r.value(), StandardCharsets.UTF_8), OutboundMessage.class).causationEventId();
          if (cause != null) {
            decidedAt.putIfAbsent(cause, now);
          }
        }
      }
    }
  }
}
