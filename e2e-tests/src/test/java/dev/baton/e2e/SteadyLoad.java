package dev.baton.e2e;

import dev.baton.schemas.serde.Json;
import dev.baton.tenant.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A bounded, steady stream of signed webhook POSTs, as a channel provider sends them: a new
 * conversation every so often, each conversation's messages one after the other (the next once
 * the previous was accepted), and every POST that failed, was refused with a retryable status or
 * timed out retried with the <em>same</em> event id and body, with backoff, until the intake
 * answers 202 or the message's retry deadline passes.
 */
final class SteadyLoad implements AutoCloseable {
  /** One customer message of a conversation. */
  record Message(String tenantId, String secret, String conversationId, String eventId, String text) {
    /** Event ids are a tenant's own: two tenants may send the same one. */
    String key() {
      return tenantId + "/" + eventId;
    }
  }

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private static final long FIRST_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 2000;
  private static final Duration PAUSE_BETWEEN_MESSAGES = Duration.ofMillis(200);

  private final Supplier<URI> intake;
  private final IntFunction<List<Message>> conversations;
  private final Duration giveUpAfter;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final ScheduledExecutorService dispatcher = Executors.newSingleThreadScheduledExecutor();
  private final ScheduledExecutorService senders = Executors.newScheduledThreadPool(12);

  private final Map<String, Message> sent = new ConcurrentHashMap<>();
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
  private final Set<String> givenUp = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicInteger duplicates = new AtomicInteger();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean stopping;

  /**
   * @param intake where to POST, asked before every attempt
   * @param conversations the messages of the k-th conversation
   * @param giveUpAfter how long one message is retried before the sender gives up on it
   */
  SteadyLoad(Supplier<URI> intake, IntFunction<List<Message>> conversations, Duration giveUpAfter) {
    this.intake = intake;
    this.conversations = conversations;
    this.giveUpAfter = giveUpAfter;
  }

  /** Starts a new conversation every {@code every}, at most {@code max} of them. */
  void start(int max, Duration every) {
    dispatcher.scheduleAtFixedRate(() -> {
      if (stopping || started.get() >= max) {
        return;
      }
      List<Message> messages = conversations.apply(started.getAndIncrement());
      active.incrementAndGet();
      senders.execute(() -> attempt(messages, 0, 0, System.nanoTime() + giveUpAfter.toNanos(), FIRST_BACKOFF_MS));
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** No new conversations from now on; those under way go on to their end. */
  void stop() {
    stopping = true;
  }

  /** True once stopped and every conversation under way has ended. */
  boolean idle() {
    return stopping && active.get() == 0;
  }

  private void attempt(List<Message> messages, int index, int attempt, long deadline, long backoffMs) {
    Message m = messages.get(index);
    sent.putIfAbsent(m.key(), m);
    attempts.incrementAndGet();
    if (attempt > 0) {
      retries.incrementAndGet();
    }
    String failure;
    try {
      HttpResponse<String> r = http.send(request(m), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 202) {
        if (r.body().contains("\"duplicate\":true")) {
          duplicates.incrementAndGet();
        }
        acceptedAt.putIfAbsent(m.key(), System.nanoTime());
        next(messages, index);
        return;
      }
      failure = "HTTP " + r.statusCode();
    } catch (HttpTimeoutException e) {
      failure = "timeout";
    } catch (IOException e) {
      failure = e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      active.decrementAndGet();
      return;
    } catch (RuntimeException e) {
      failure = e.getClass().getSimpleName();
    }
    failures.computeIfAbsent(failure, f -> new AtomicInteger()).incrementAndGet();
    if (System.nanoTime() > deadline) {
      givenUp.add(m.key());
      active.decrementAndGet(); // A provider that gives up on a message gives up on the conversation.
      return;
    }
    senders.schedule(() -> attempt(messages, index, attempt + 1, deadline, Math.min(MAX_BACKOFF_MS, backoffMs * 2)),
        backoffMs, TimeUnit.MILLISECONDS);
  }

  private void next(List<Message> messages, int index) {
    if (index + 1 >= messages.size()) {
      active.decrementAndGet();
      return;
    }
    senders.schedule(() -> attempt(messages, index + 1, 0, System.nanoTime() + giveUpAfter.toNanos(), FIRST_BACKOFF_MS),
        PAUSE_BETWEEN_MESSAGES.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The same body on every attempt (as a provider's retry); signed afresh, since the timestamp is. */
  private HttpRequest request(Message m) {
    byte[] body = bodies.computeIfAbsent(m.key(), k -> Json.write(Map.of(
        "eventId", m.eventId(), "type", "CUSTOMER_MESSAGE", "tenantId", m.tenantId(),
        "conversationId", m.conversationId(), "channel", "WEBCHAT", "occurredAt", Instant.now().toString(),
        "customer", Map.of("id", "cust-" + m.conversationId(), "name", "Ana"), "text", m.text()))
        .getBytes(StandardCharsets.UTF_8));
    long ts = Instant.now().getEpochSecond();
    return HttpRequest.newBuilder(intake.get())
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
        .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(m.secret(), ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /** Every message sent at least once, by {@link Message#key()}. */
  Map<String, Message> sent() {
    return Map.copyOf(sent);
  }

  /** Keys of the messages the intake answered 202 for. */
  Set<String> accepted() {
    return Set.copyOf(acceptedAt.keySet());
  }

  /** Keys of the messages first accepted after {@code nanoTime}. */
  Set<String> acceptedSince(long nanoTime) {
    Set<String> out = new java.util.HashSet<>();
    acceptedAt.forEach((k, t) -> {
      if (t > nanoTime) {
        out.add(k);
      }
    });
    return out;
  }

  Set<String> givenUp() {
    return Set.copyOf(givenUp);
  }

  int conversationsStarted() {
    return started.get();
  }

  int attempts() {
    return attempts.get();
  }

  int retries() {
    return retries.get();
  }

  /** 202 answers that said {@code "duplicate":true}: a retry of something already stored. */
  int duplicates() {
    return duplicates.get();
  }

  /** Failed attempts so far, of every kind. */
  int failedAttempts() {
    return failures.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Failed attempts by kind (HTTP status, timeout, connection error). */
  Map<String, Integer> failures() {
    Map<String, Integer> out = new TreeMap<>();
    failures.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() {
    stopping = true;
    dispatcher.shutdownNow();
    senders.shutdownNow();
  }
}
