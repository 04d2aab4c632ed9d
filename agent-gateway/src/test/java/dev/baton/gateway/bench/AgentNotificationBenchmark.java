package dev.baton.gateway.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.schemas.Channel;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DecisionAudit;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.EmbeddedKafka;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Load tool, not a test: agent notification latency, from a handoff record's send to {@code
 * handoffs} to its {@code handoff} event on an agent's stream. {@value #STREAMS} SSE streams
 * ({@code GET /v1/agent/stream}, spread over {@link BenchTestResource#AGENTS} agents of every
 * queue, so every stream sees every handoff) are open while a paced producer writes handoffs at
 * {@code bench.rate} per second: one probe handoff alone until every stream has it (the gateway's
 * consumer has joined), then {@code bench.warmup-seconds} not reported, then {@code
 * bench.seconds} measured, also shown in 5 s windows by send time. Latency is each stream's arrival of the event's {@code data} line
 * ({@code System.nanoTime()}) minus the send's, so one handoff gives one figure per stream.
 * Broker, gateway, Redis client and the streams' clients share one JVM; the producer is plain
 * (no transaction), so the handoff service's transaction commit interval is not in the figures.
 *
 * <p>It fails only if a stream misses a handoff (or a stream cannot be opened), never on timing.
 * Run: {@code mvn -B -ntp -pl agent-gateway -am verify -Pbench -Dtest=AgentNotificationBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; the {@code bench} profile sets {@code baton.bench}.
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@EnabledIfSystemProperty(named = "baton.bench", matches = "true")
class AgentNotificationBenchmark {
  private static final int STREAMS = 200;
  private static final int RATE = Integer.getInteger("bench.rate", 100);
  private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup-seconds", 5);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 30);
  private static final int CLIENTS = 4;
  private static final int WINDOW_SECONDS = 5;
  private static final Pattern CONVERSATION = Pattern.compile("\"conversationId\":\\s*\"conv-(\\d+)\"");

  @TestHTTPResource("/v1/agent/stream")
  URI stream;

  @Test
  void handoffsReachEveryStream() {
    int warmup = 1 + RATE * WARMUP_SECONDS;
    int total = warmup + RATE * SECONDS;
    List<HttpClient> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      streams.add(new Stream(i % BenchTestResource.AGENTS, total));
    }
    for (int i = 0; i < STREAMS; i++) {
      Stream s = streams.get(i);
      HttpRequest request = HttpRequest.newBuilder(stream)
          .header("Authorization", "Bearer " + BenchTestResource.token(s.agent)).build();
      // The response's future completes only when the stream ends: its status is kept here.
      clients.get(i % CLIENTS).sendAsync(request, info -> {
        s.status = info.statusCode();
        return HttpResponse.BodySubscribers.fromLineSubscriber(s);
      });
    }
    await().atMost(Duration.ofSeconds(60))
        .until(() -> streams.stream().allMatch(s -> s.opened || s.ended || (s.status != 0 && s.status != 200)));
    for (int i = 0; i < STREAMS; i++) {
      Stream s = streams.get(i);
      assertEquals(200, s.status, "stream " + i + " (agent-" + s.agent + ") answered");
      assertTrue(s.opened && !s.ended, "stream " + i + " did not open: " + s.endReason);
    }

    long[] sent = new long[total];
    double probe;
    List<String> sendErrors = new CopyOnWriteArrayList<>();
    try (var producer = new KafkaProducer<>(
        Map.<String, Object>of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG, 0),
        Topics.HANDOFFS.keySerde().serializer(), Topics.HANDOFFS.valueSerde().serializer())) {
      // One probe first, alone: until the gateway's consumer has its partitions and a first
      // event has gone through every stream, paced handoffs would only queue up behind it.
      send(producer, 0, sent, sendErrors);
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.stream().allMatch(s -> s.received.get() >= 1));
      probe = (streams.stream().mapToLong(s -> s.arrivals[0]).max().orElseThrow() - sent[0]) / 1e6;
      long interval = 1_000_000_000L / RATE;
      long start = System.nanoTime();
      for (int n = 1; n < total; n++) {
        LockSupport.parkNanos(start + n * interval - System.nanoTime());
        send(producer, n, sent, sendErrors);
      }
      producer.flush();
    }
    assertTrue(sendErrors.isEmpty(), "handoffs not written to the broker: " + sendErrors);
    double achieved = (RATE * SECONDS - 1) / ((sent[total - 1] - sent[warmup]) / 1e9);

    try {
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
          .until(() -> streams.stream().allMatch(s -> s.received.get() >= total || s.ended));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // Reported below, with what is missing.
    }
    streams.forEach(Stream::close);

    List<String> losses = new ArrayList<>();
    long[] latencies = new long[STREAMS * (total - warmup)];
    int k = 0;
    int duplicates = 0;
    for (int i = 0; i < STREAMS; i++) {
      Stream s = streams.get(i);
      int got = s.received.get(); // read before the arrivals: the stream's writes happen before
      duplicates += s.duplicates.get();
      int missing = 0;
      for (int n = 0; n < total; n++) {
        if (s.arrivals[n] == 0) {
          missing++;
        } else if (n >= warmup) {
          latencies[k++] = s.arrivals[n] - sent[n];
        }
      }
      if (missing > 0) {
        losses.add("stream %d (agent-%02d): %d of %d handoffs missing (%d received%s)".formatted(i, s.agent, missing,
            total, got, s.ended ? ", stream ended: " + s.endReason : ""));
      }
    }
    long[] measured = Arrays.copyOf(latencies, k);
    Arrays.sort(measured);

    System.out.println();
    System.out.printf("agent notification benchmark: %d SSE streams over %d agents (tenant %s), %d handoffs/s target,"
        + " %d s warm-up + %d s measured%n", STREAMS, BenchTestResource.AGENTS, BenchTestResource.tenant(), RATE,
        WARMUP_SECONDS, SECONDS);
    System.out.printf("first handoff (the probe, before the paced ones) on every stream after %.1f ms%n", probe);
    System.out.printf("%-7s %-8s %-9s %-11s %-10s %-10s %-8s %-8s %-8s %-8s%n", "agents", "streams", "handoffs",
        "achieved/s", "events", "duplicates", "p50 ms", "p95 ms", "p99 ms", "max ms");
    System.out.printf("%-7d %-8d %-9d %-11.1f %-10d %-10d %-8.1f %-8.1f %-8.1f %-8.1f%n", BenchTestResource.AGENTS,
        STREAMS, total - warmup, achieved, measured.length, duplicates, percentile(measured, 50),
        percentile(measured, 95), percentile(measured, 99), measured.length == 0 ? Double.NaN : measured[k - 1] / 1e6);
    // The same figures by when the handoff was sent: a p50 that grows window after window is a
    // backlog (the load is above what this machine serves), a flat one is the path's own cost.
    int window = RATE * WINDOW_SECONDS;
    System.out.printf("by send time (%d s windows): p50 / p99 / max ms%n", WINDOW_SECONDS);
    for (int from = warmup; from < total; from += window) {
      int to = Math.min(total, from + window);
      long[] w = new long[STREAMS * (to - from)];
      int j = 0;
      for (Stream s : streams) {
        for (int n = from; n < to; n++) {
          if (s.arrivals[n] != 0) {
            w[j++] = s.arrivals[n] - sent[n];
          }
        }
      }
      w = Arrays.copyOf(w, j);
      Arrays.sort(w);
      System.out.printf("  %3d-%3d s: %8.1f / %8.1f / %8.1f%n", (from - warmup) / RATE, (to - warmup) / RATE,
          percentile(w, 50), percentile(w, 99), j == 0 ? Double.NaN : w[j - 1] / 1e6);
    }
    if (!losses.isEmpty()) {
      fail("handoff events lost on " + losses.size() + " of " + STREAMS + " streams:\n" + String.join("\n", losses));
    }
  }

  /** Writes handoff {@code n}, keeping its send time. */
  private static void send(KafkaProducer<String, HandoffRecord> producer, int n, long[] sent, List<String> errors) {
    HandoffRecord h = handoff("conv-" + n);
    sent[n] = System.nanoTime();
    producer.send(new ProducerRecord<>(Topics.HANDOFFS.name(), h.conversationKey(), h), (meta, e) -> {
      if (e != null) {
        errors.add(h.conversationId() + ": " + e);
      }
    });
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  private static HandoffRecord handoff(String conversation) {
    Instant now = Instant.now();
    String tenant = BenchTestResource.tenant();
    List<Turn> transcript = List.of(new Turn("ev-0", Speaker.CUSTOMER, "I was charged twice", now, "billing_dispute",
        0.9, "NEGATIVE", -0.8, null, null));
    return new HandoffRecord(SchemaVersions.CURRENT, HandoffRecord.idFor(tenant, conversation, 1), 1, tenant,
        conversation, Channel.WHATSAPP, new Customer("cust-" + conversation, "Maria Lopez", "+447700900123", null),
        HandoffReason.NEGATIVE_SENTIMENT, 2, "reception", transcript, List.of(), "Wants: billing dispute",
        new DecisionAudit("negative-sentiment", "1", "-0.80", "-0.60", "ev-0"), false, now, 0);
  }

  /**
   * One agent's stream: the arrival time of each handoff's event, by handoff number. Lines come
   * one at a time (the subscriber's calls are serialized), so the fields have one writer; {@link
   * #received} is incremented after each write, so a reader of it sees the arrivals before it.
   */
  private static final class Stream implements Flow.Subscriber<String> {
    final int agent;
    final long[] arrivals;
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    volatile int status;
    volatile boolean opened;
    volatile boolean ended;
    volatile String endReason;
    private String event;
    private Flow.Subscription subscription;

    Stream(int agent, int handoffs) {
      this.agent = agent;
      this.arrivals = new long[handoffs];
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.startsWith("event:")) {
        event = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        long now = System.nanoTime();
        if ("reset".equals(event)) {
          opened = true;
        } else if ("handoff".equals(event)) {
          Matcher m = CONVERSATION.matcher(line);
          if (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (arrivals[n] != 0) {
              duplicates.incrementAndGet();
            } else {
              arrivals[n] = now;
              received.incrementAndGet();
            }
          }
        }
      } else if (line.isEmpty()) {
        event = null;
      }
    }

    @Override
    public void onError(Throwable t) {
      endReason = String.valueOf(t);
      ended = true;
    }

    @Override
    public void onComplete() {
      endReason = "closed by the gateway";
      ended = true;
    }

    void close() {
      if (subscription != null) {
        subscription.cancel();
      }
    }
  }
}
