package dev.baton.intake.delivery;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.Channel;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.support.logging.LogContext;
import dev.baton.support.logging.TraceParent;
import dev.baton.support.metrics.BatonMetrics;
import dev.baton.tenant.TenantDirectory;
import io.micrometer.core.instrument.Counter;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Reads {@code outbound-messages} and hands each message to the {@link DeliveryEngine}, which
 * delivers conversations independently and in order within each; a message that cannot be
 * delivered goes to {@code outbound-messages-dlq} with the reason and is never dropped silently.
 *
 * <p>The method returns as soon as the message has a place in the engine (back-pressure when
 * {@code intake.delivery.max-pending} messages are in progress), not when it is delivered; the
 * message is acknowledged once delivered, skipped as already delivered, or dead-lettered. The
 * connector's throttled commit strategy commits an offset only when every record before it is
 * acknowledged, so a restart redelivers whatever was still in progress, and the Redis
 * {@code delivered} marker keeps that redelivery from reaching the customer twice.
 */
@ApplicationScoped
public class OutboundDeliverer {
  private static final Logger LOG = Logger.getLogger(OutboundDeliverer.class);
  private static final Duration DELIVERED_TTL = Duration.ofDays(2);
  private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaPublisher publisher;
  private final DeliveryEngine engine;
  private final BatonMetrics metrics;
  private final Executor blocking = Infrastructure.getDefaultWorkerPool();

  public OutboundDeliverer(
      TenantDirectory tenants,
      Instance<OutboundChannel> channels,
      KafkaPublisher publisher,
      RedisClient redis,
      DeliveryStatuses statuses,
      IntakeConfig config,
      BatonMetrics metrics,
      @ConfigProperty(
              name = "mp.messaging.incoming." + Topics.Names.OUTBOUND_MESSAGES + ".throttled.unprocessed-record-max-age.ms",
              defaultValue = "60000")
          long unprocessedMaxAgeMs) {
    this.publisher = publisher;
    this.metrics = metrics;
    // Retries start at zero on every channel, so that an alert on their increase sees the first.
    for (Channel channel : Channel.values()) {
      retries(metrics, channel);
    }
    IntakeConfig.Delivery d = config.delivery();
    this.engine =
        new DeliveryEngine(tenants::find, channels.stream().toList(), new RedisMarks(redis),
            new StatusReports(tenants, statuses, metrics), blocking,
            new DeliveryEngine.Settings(d.maxAttempts(), d.initialBackoff(), d.maxBackoff(), d.deadline(),
                d.maxConcurrency(), d.maxConcurrencyPerTenant(), d.maxPending()));
    // The longest a message can stay unacknowledged; beyond the connector's limit it would
    // declare the channel unhealthy although delivery is only slow.
    Duration longest = d.deadline().plus(d.requestTimeout()).plus(DEAD_LETTER_TIMEOUT);
    if (unprocessedMaxAgeMs > 0 && longest.toMillis() >= unprocessedMaxAgeMs) {
      LOG.warnf("intake.delivery.deadline + request-timeout + %s (%s) is not below the connector's "
          + "throttled.unprocessed-record-max-age.ms (%d): a slow tenant may mark delivery unhealthy",
          DEAD_LETTER_TIMEOUT, longest, unprocessedMaxAgeMs);
    }
  }

  /** {@code baton_delivery_retries_total{channel}}. */
  private static Counter retries(BatonMetrics metrics, Channel channel) {
    return metrics.counter("baton.delivery.retries", "delivery attempts that failed and were retried", "channel",
        String.valueOf(channel).toLowerCase(Locale.ROOT));
  }

  /** The record's coordinates and bytes, for its dead letter. */
  private record Source(String topic, int partition, long offset, String key, byte[] value) {}

  @Incoming(Topics.Names.OUTBOUND_MESSAGES)
  public CompletionStage<Void> deliver(Message<byte[]> in) {
    try {
      @SuppressWarnings("unchecked")
      IncomingKafkaRecordMetadata<String, byte[]> meta =
          in.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
      Source source = new Source(meta.getTopic(), meta.getPartition(), meta.getOffset(), meta.getKey(), in.getPayload());
      OutboundMessage message;
      try {
        message = Topics.OUTBOUND_MESSAGES.valueSerde().deserializer().deserialize(source.topic(), source.value());
      } catch (SerializationException e) {
        settle(in, source, deadLetter(source, e.getMessage()));
        return CompletableFuture.completedFuture(null);
      }
      if (message == null) {
        settle(in, source, deadLetter(source, "empty outbound message"));
        return CompletableFuture.completedFuture(null);
      }
      LogContext.conversation(message.tenantId(), message.conversationId());
      var trace = meta.getHeaders().lastHeader(TraceParent.HEADER);
      LogContext.trace(trace == null ? null : TraceParent.traceId(trace.value()));
      metrics.consumed(source.topic(), message.tenantId());
      DeliveryEngine.Submission submission = engine.submit(message, reason -> deadLetter(source, reason));
      long acceptedAtMs = meta.getTimestamp() == null ? -1 : meta.getTimestamp().toEpochMilli();
      submission.done().whenComplete((outcome, e) -> measure(message, outcome, e, acceptedAtMs));
      settle(in, source, submission.done());
      return submission.admitted();
    } catch (RuntimeException e) {
      // A bug, not a delivery failure: the channel's failure strategy (dead-letter-queue) takes
      // the record, and the channel goes on.
      LOG.errorf(e, "cannot handle an outbound record");
      return in.nack(e);
    } finally {
      LogContext.clear();
    }
  }

  /**
   * {@code baton_deliveries_total{channel,result}} and, for a delivered message,
   * {@code baton_delivery_latency_seconds{channel}}: from its record's timestamp (the intake
   * accepting the customer's message it answers; for an agent's message, the engine writing it)
   * to the provider accepting it. A dead letter is counted where it is written.
   */
  private void measure(OutboundMessage message, DeliveryEngine.Outcome outcome, Throwable failure, long acceptedAtMs) {
    String channel = String.valueOf(message.channel()).toLowerCase(Locale.ROOT);
    String result = failure != null ? "dead_letter_failed" : switch (outcome) {
      case DELIVERED -> "delivered";
      case ALREADY_DELIVERED -> "already_delivered";
      case DEAD_LETTERED -> "dead_lettered";
    };
    metrics.counter("baton.deliveries", "outbound messages by how their delivery ended", "channel", channel,
        "result", result).increment();
    if (outcome == DeliveryEngine.Outcome.DELIVERED && acceptedAtMs > 0) {
      metrics.timer("baton.delivery.latency", "from the record's timestamp to the provider accepting the message",
          Duration.ofMillis(5), Duration.ofSeconds(120), "channel", channel)
          .record(Math.max(0, System.currentTimeMillis() - acceptedAtMs), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Acknowledges once done. A message whose dead letter could not be written is nacked: the
   * channel's dead-letter strategy writes the record as it was read, and if even that fails (the
   * broker away) the channel stops with the record uncommitted, to be read again after a restart.
   */
  private static void settle(Message<byte[]> in, Source source, CompletionStage<?> done) {
    done.whenComplete((outcome, e) -> {
      if (e == null) {
        in.ack();
      } else {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        LOG.errorf("the dead letter of the outbound message at %s-%d@%d could not be written; the record goes to "
            + "the dead-letter topic as it was read: %s", source.topic(), source.partition(), source.offset(),
            cause.getMessage());
        in.nack(cause);
      }
    });
  }

  /** Publishes the dead letter on a worker thread (the producer call blocks until confirmed). */
  private CompletionStage<Void> deadLetter(Source source, String reason) {
    return CompletableFuture.runAsync(() -> {
      LOG.errorf("outbound message at %s-%d@%d dead-lettered: %s",
          source.topic(), source.partition(), source.offset(), DeadLetters.bounded(reason));
      DeadLetter letter = DeadLetters.of(source.topic(), source.partition(), source.offset(), source.key(),
          source.value(), reason, "intake-service");
      try {
        publisher.publish(Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES), source.key(), letter, DEAD_LETTER_TIMEOUT);
        metrics.deadLettered(Topics.OUTBOUND_MESSAGES.deadLetterName());
      } catch (PublishException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }, blocking);
  }

  /**
   * Each delivery's {@code SENT} and each dead letter's {@code FAILED}, published on a worker
   * thread so that neither the engine's threads nor the message wait for the broker. A message of
   * a tenant Baton does not know has no one to see its status.
   */
  private record StatusReports(TenantDirectory tenants, DeliveryStatuses statuses, BatonMetrics metrics)
      implements DeliveryEngine.Reports {
    @Override
    public void retried(OutboundMessage m, String provider) {
      retries(metrics, m.channel()).increment();
    }

    @Override
    public void delivered(OutboundMessage m, String provider, String providerMessageId) {
      statuses.reportLater(DeliveryStatuses.sent(m, provider, providerMessageId));
    }

    @Override
    public void deadLettered(OutboundMessage m, String provider, String reason) {
      if (tenants.find(m.tenantId()).isPresent()) {
        statuses.reportLater(DeliveryStatuses.failed(m, provider, reason));
      }
    }
  }

  /** {@code baton:<tenant>:delivered:<messageId>} in Redis. */
  private record RedisMarks(RedisClient redis) implements DeliveryEngine.DeliveredMarks {
    private static String key(String tenantId, String messageId) {
      return "baton:" + tenantId + ":delivered:" + messageId;
    }

    /**
     * Without Redis we cannot tell a redelivery from a first delivery; sending it (the receiver
     * has the Idempotency-Key) is better than stopping delivery for everyone.
     */
    @Override
    public boolean isDelivered(String tenantId, String messageId) {
      try {
        return redis.exists(key(tenantId, messageId));
      } catch (RuntimeException e) {
        LOG.warnf("cannot check %s in Redis (%s); delivering", key(tenantId, messageId), e.getMessage());
        return false;
      }
    }

    @Override
    public void markDelivered(String tenantId, String messageId) {
      try {
        redis.set(key(tenantId, messageId), "1", SetParams.setParams().ex(DELIVERED_TTL.toSeconds()));
      } catch (RuntimeException e) {
        LOG.warnf("cannot mark %s delivered in Redis: %s", key(tenantId, messageId), e.getMessage());
      }
    }
  }
}
