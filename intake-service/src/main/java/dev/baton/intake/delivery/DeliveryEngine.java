package dev.baton.intake.delivery;

import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.OutboundMessage;
import dev.baton.tenant.TenantConfig;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Delivers outbound messages without letting one tenant hold up another; plain Java, so the
 * benchmark runs it without Quarkus. {@link OutboundDeliverer} feeds it from Kafka.
 *
 * <ul>
 *   <li><b>Order</b>: messages of one conversation (tenant id + conversation id, taken from the
 *       message, never from the record key) are delivered one at a time in the order submitted;
 *       a message being retried holds back only the later messages of its conversation.
 *   <li><b>Fairness</b>: callback exchanges in flight are bounded in all and per tenant
 *       ({@link FairLimiter}); a retry waits for its backoff holding no slot and no thread.
 *   <li><b>Retries</b>: Mutiny's exponential backoff with jitter, for temporary failures, up to
 *       {@code maxAttempts} attempts and never past the message's deadline.
 *   <li><b>Give up</b>: a message not delivered by its deadline, or refused for good, goes to
 *       the dead-letter writer with the reason.
 *   <li><b>Once</b>: a message whose id is marked delivered is skipped; the mark is set after the
 *       callback accepted it.
 *   <li><b>Reports</b>: each message delivered and each one dead-lettered is reported ({@link
 *       Reports}), which turns into its {@code SENT} or {@code FAILED} delivery status.
 *   <li><b>Memory</b>: at most {@code maxPending} messages are in progress; {@link
 *       Submission#admitted()} completes when the message got a place, which is the back-pressure
 *       signal to the reader.
 * </ul>
 */
public final class DeliveryEngine {
  private static final Logger LOG = Logger.getLogger(DeliveryEngine.class);

  /** The engine's limits; see {@code IntakeConfig.Delivery} for their meaning and defaults. */
  public record Settings(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration deadline,
      int maxConcurrency,
      int maxConcurrencyPerTenant,
      int maxPending) {}

  /** Remembers which messages were delivered (Redis in the service). Must not throw. */
  public interface DeliveredMarks {
    boolean isDelivered(String tenantId, String messageId);

    void markDelivered(String tenantId, String messageId);
  }

  /**
   * Told how each message ended, for its delivery status. Called on the engine's threads (HTTP
   * client, blocking executor): an implementation must return at once (hand the work off) and
   * must not throw.
   */
  public interface Reports {
    Reports NONE = new Reports() {
      @Override
      public void delivered(OutboundMessage m, String provider, String providerMessageId) {}

      @Override
      public void deadLettered(OutboundMessage m, String provider, String reason) {}
    };

    /** The provider accepted the message (first delivery only, not a skipped redelivery). */
    void delivered(OutboundMessage m, String provider, String providerMessageId);

    /**
     * The message was dead-lettered (the dead letter is written) with this reason.
     *
     * @param provider the channel's provider, or null when no channel took the message
     */
    void deadLettered(OutboundMessage m, String provider, String reason);

    /** An attempt failed and will be retried after its backoff. */
    default void retried(OutboundMessage m, String provider) {}
  }

  /** Writes the message's dead letter with this reason; the stage fails if it could not. */
  @FunctionalInterface
  public interface DeadLetterWriter {
    CompletionStage<Void> write(String reason);
  }

  /** How a message ended. */
  public enum Outcome {
    DELIVERED,
    ALREADY_DELIVERED,
    DEAD_LETTERED
  }

  /**
   * {@code admitted}: the message has a place (submit the next one then); {@code done}: it was
   * delivered, skipped or dead-lettered (commit it then). {@code done} fails only when the dead
   * letter could not be written: the message must then not be committed.
   */
  public record Submission(CompletionStage<Void> admitted, CompletionStage<Outcome> done) {}

  private final Function<String, Optional<TenantConfig>> tenants;
  private final List<OutboundChannel> channels;
  private final DeliveredMarks marks;
  private final Reports reports;
  private final Executor blocking;
  private final Settings settings;
  private final FairLimiter limiter;
  private final ConversationSequencer sequencer = new ConversationSequencer();
  private final PendingWindow window;

  /**
   * @param blocking runs the short blocking calls (the delivered marks); never a callback
   *     exchange
   */
  public DeliveryEngine(
      Function<String, Optional<TenantConfig>> tenants,
      List<OutboundChannel> channels,
      DeliveredMarks marks,
      Executor blocking,
      Settings settings) {
    this(tenants, channels, marks, Reports.NONE, blocking, settings);
  }

  public DeliveryEngine(
      Function<String, Optional<TenantConfig>> tenants,
      List<OutboundChannel> channels,
      DeliveredMarks marks,
      Reports reports,
      Executor blocking,
      Settings settings) {
    this.tenants = tenants;
    this.channels = List.copyOf(channels);
    this.marks = marks;
    this.reports = reports;
    this.blocking = blocking;
    this.settings = settings;
    this.limiter = new FairLimiter(settings.maxConcurrency(), settings.maxConcurrencyPerTenant());
    this.window = new PendingWindow(settings.maxPending());
  }

  public Submission submit(OutboundMessage message, DeadLetterWriter deadLetters) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    CompletableFuture<Void> admitted = window.acquire();
    admitted.thenRun(() -> {
      long deadline = System.currentTimeMillis() + settings.deadline().toMillis();
      CompletionStage<Outcome> outcome =
          sequencer.submit(message.tenantId() + '\u0000' + message.conversationId(),
              () -> deliverSafely(message, deadline, deadLetters));
      outcome.whenComplete((o, e) -> {
        window.release();
        if (e == null) {
          done.complete(o);
        } else {
          done.completeExceptionally(e);
        }
      });
    });
    return new Submission(admitted, done);
  }

  /** Messages in progress (admitted, not yet done). */
  public int pending() {
    return window.used();
  }

  /** Any failure other than a failed dead-letter write becomes a dead letter: nothing escapes. */
  private CompletionStage<Outcome> deliverSafely(OutboundMessage m, long deadline, DeadLetterWriter dlq) {
    CompletionStage<Outcome> attempted;
    try {
      attempted = deliver(m, deadline, dlq);
    } catch (RuntimeException e) {
      attempted = CompletableFuture.failedFuture(e);
    }
    CompletionStage<Outcome> stage = attempted;
    return stage.handle((o, e) -> e).thenCompose(e -> {
      if (e == null) {
        return stage;
      }
      Throwable cause = unwrap(e);
      if (cause instanceof DeadLetterFailed) {
        return stage;
      }
      LOG.errorf(cause, "unexpected failure delivering %s", safe(m.messageId()));
      return deadLetter(dlq, m, null, "unexpected failure: " + cause);
    });
  }

  private CompletionStage<Outcome> deliver(OutboundMessage m, long deadline, DeadLetterWriter dlq) {
    TenantConfig tenant = tenants.apply(m.tenantId()).orElse(null);
    if (tenant == null) {
      return deadLetter(dlq, m, null, "unknown tenant " + m.tenantId());
    }
    return CompletableFuture.supplyAsync(() -> marks.isDelivered(tenant.id(), m.messageId()), blocking)
        .thenCompose(already -> {
          if (already) {
            LOG.debugf("message %s already delivered", safe(m.messageId()));
            return CompletableFuture.completedFuture(Outcome.ALREADY_DELIVERED);
          }
          OutboundChannel channel =
              channels.stream().filter(c -> c.handles(tenant, m)).findFirst().orElse(null);
          if (channel == null) {
            return deadLetter(dlq, m, null, "tenant " + tenant.id() + " has no channel for " + m.channel());
          }
          return attempts(channel, tenant, m, deadline).thenCompose(attempted -> attempted.failure() == null
              ? CompletableFuture.supplyAsync(() -> {
                  marks.markDelivered(tenant.id(), m.messageId());
                  LOG.debugf("delivered %s to %s", safe(m.messageId()), tenant.id());
                  report(() -> reports.delivered(m, channel.provider(), attempted.providerMessageId()));
                  return Outcome.DELIVERED;
                }, blocking)
              : deadLetter(dlq, m, channel.provider(), attempted.failure()));
        });
  }

  /** How the attempts ended: delivered with the provider's id of the message, or why not. */
  private record Attempted(String providerMessageId, String failure) {}

  /** Completes with the provider's id when delivered, else with why it finally failed. */
  private CompletionStage<Attempted> attempts(OutboundChannel channel, TenantConfig tenant, OutboundMessage m, long deadline) {
    AtomicInteger attempts = new AtomicInteger();
    AtomicReference<Throwable> last = new AtomicReference<>();
    return Uni.createFrom()
        .completionStage(() -> {
          if (System.currentTimeMillis() >= deadline) {
            return CompletableFuture.<String>failedFuture(new DeadlinePassed());
          }
          return limiter.run(tenant.id(), () -> {
            if (System.currentTimeMillis() >= deadline) { // waited too long for a slot
              return CompletableFuture.<String>failedFuture(new DeadlinePassed());
            }
            attempts.incrementAndGet();
            return channel.send(tenant, m);
          });
        })
        .onFailure(e -> {
          Throwable cause = unwrap(e);
          if (!(cause instanceof DeadlinePassed)) {
            last.set(cause);
          }
          boolean retry = cause instanceof DeliveryException d && d.retryable() && attempts.get() < settings.maxAttempts();
          if (retry) {
            LOG.warnf("delivery of %s to %s failed (attempt %d): %s; retrying",
                safe(m.messageId()), tenant.id(), attempts.get(), cause.getMessage());
            report(() -> reports.retried(m, channel.provider()));
          }
          return retry;
        })
        .retry()
        .withBackOff(settings.initialBackoff(), settings.maxBackoff())
        .expireAt(deadline)
        .subscribeAsCompletionStage()
        .handle((providerMessageId, e) -> {
          if (e == null) {
            return new Attempted(providerMessageId, null);
          }
          Throwable cause = last.get();
          if (cause != null && !(cause instanceof DeliveryException)) {
            throw new CompletionException(cause); // a bug, not the partner: deliverSafely reports it
          }
          String why = cause == null ? "no attempt was made" : cause.getMessage();
          boolean exhausted = cause instanceof DeliveryException d && (!d.retryable() || attempts.get() >= settings.maxAttempts());
          return new Attempted(null, exhausted
              ? "delivery failed after " + attempts.get() + " attempt(s): " + why
              : "not delivered within " + settings.deadline() + " after " + attempts.get() + " attempt(s): " + why);
        });
  }

  /** Writes the dead letter, then reports it: a message whose dead letter failed is not reported. */
  private CompletionStage<Outcome> deadLetter(DeadLetterWriter dlq, OutboundMessage m, String provider, String reason) {
    return deadLetter(dlq, reason).thenApply(outcome -> {
      report(() -> reports.deadLettered(m, provider, reason));
      return outcome;
    });
  }

  /** A report's failure is the report's own: it never changes how the message ended. */
  private static void report(Runnable report) {
    try {
      report.run();
    } catch (RuntimeException e) {
      LOG.errorf(e, "cannot report a delivery outcome");
    }
  }

  private static CompletionStage<Outcome> deadLetter(DeadLetterWriter dlq, String reason) {
    CompletionStage<Void> written;
    try {
      written = dlq.write(reason);
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    return written.handle((ok, e) -> {
      if (e != null) {
        throw new DeadLetterFailed(reason, unwrap(e));
      }
      return Outcome.DEAD_LETTERED;
    });
  }

  /** An id as it may be logged: control characters escaped, so it cannot forge a log line. */
  private static String safe(String id) {
    return DeadLetters.bounded(id);
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The message's deadline passed before another attempt could start. */
  private static final class DeadlinePassed extends RuntimeException {
    DeadlinePassed() {
      super("deadline passed", null, false, false);
    }
  }

  /** The dead letter could not be written: the message stays uncommitted. */
  static final class DeadLetterFailed extends RuntimeException {
    DeadLetterFailed(String reason, Throwable cause) {
      super("cannot dead-letter (" + reason + "): " + cause, cause);
    }
  }

  /** A counting semaphore whose waiters are futures. */
  private static final class PendingWindow {
    private final int max;
    private int used;
    private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();

    PendingWindow(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max-pending must be at least 1");
      }
      this.max = max;
    }

    synchronized CompletableFuture<Void> acquire() {
      if (used < max) {
        used++;
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> waiter = new CompletableFuture<>();
      waiters.add(waiter);
      return waiter;
    }

    void release() {
      CompletableFuture<Void> next;
      synchronized (this) {
        next = waiters.poll();
        if (next == null) {
          used--;
        }
      }
      if (next != null) {
        next.complete(null); // the slot passes to the waiter
      }
    }

    synchronized int used() {
      return used;
    }
  }
}
