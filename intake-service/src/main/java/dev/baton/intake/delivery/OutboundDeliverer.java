package dev.baton.intake.delivery;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Delivers each outbound message to the customer's channel, retrying with exponential backoff.
 * A message that cannot be delivered goes to {@code outbound-messages-dlq} with the reason: it is
 * never dropped silently. A message already delivered (same id, e.g. after a rebalance) is
 * skipped, so the customer does not get it twice.
 */
@ApplicationScoped
public class OutboundDeliverer {
  private static final Logger LOG = Logger.getLogger(OutboundDeliverer.class);
  private static final Duration DELIVERED_TTL = Duration.ofDays(2);

  private final TenantDirectory tenants;
  private final List<OutboundChannel> channels;
  private final KafkaPublisher publisher;
  private final RedisClient redis;
  private final IntakeConfig.Delivery config;

  public OutboundDeliverer(
      TenantDirectory tenants,
      Instance<OutboundChannel> channels,
      KafkaPublisher publisher,
      RedisClient redis,
      IntakeConfig config) {
    this.tenants = tenants;
    this.channels = channels.stream().toList();
    this.publisher = publisher;
    this.redis = redis;
    this.config = config.delivery();
  }

  @Incoming(Topics.Names.OUTBOUND_MESSAGES)
  @Blocking // Ordered: messages of a conversation reach the customer in the order they were sent.
  public void deliver(ConsumerRecord<String, byte[]> record) {
    OutboundMessage message;
    try {
      message = Topics.OUTBOUND_MESSAGES.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      deadLetter(record, e.getMessage());
      return;
    }
    if (message == null) {
      deadLetter(record, "empty outbound message");
      return;
    }
    TenantConfig tenant = tenants.find(message.tenantId()).orElse(null);
    if (tenant == null) {
      deadLetter(record, "unknown tenant " + message.tenantId());
      return;
    }
    String deliveredKey = "baton:" + tenant.id() + ":delivered:" + message.messageId();
    if (alreadyDelivered(deliveredKey)) {
      LOG.debugf("message %s already delivered", message.messageId());
      return;
    }
    OutboundChannel channel = channels.stream().filter(c -> c.handles(tenant, message)).findFirst().orElse(null);
    if (channel == null) {
      deadLetter(record, "tenant " + tenant.id() + " has no channel for " + message.channel());
      return;
    }
    String failure = attempt(channel, tenant, message);
    if (failure == null) {
      markDelivered(deliveredKey);
      LOG.debugf("delivered %s to %s", message.messageId(), tenant.id());
    } else {
      deadLetter(record, failure);
    }
  }

  /**
   * Without Redis we cannot tell a redelivery from a first delivery; sending it (the receiver has
   * the Idempotency-Key) is better than stopping delivery for everyone.
   */
  private boolean alreadyDelivered(String key) {
    try {
      return redis.exists(key);
    } catch (RuntimeException e) {
      LOG.warnf("cannot check %s in Redis (%s); delivering", key, e.getMessage());
      return false;
    }
  }

  private void markDelivered(String key) {
    try {
      redis.set(key, "1", SetParams.setParams().ex(DELIVERED_TTL.toSeconds()));
    } catch (RuntimeException e) {
      LOG.warnf("cannot mark %s delivered in Redis: %s", key, e.getMessage());
    }
  }

  /** Returns null on success, else why it finally failed. */
  private String attempt(OutboundChannel channel, TenantConfig tenant, OutboundMessage message) {
    Duration backoff = config.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      try {
        channel.send(tenant, message);
        return null;
      } catch (DeliveryException e) {
        if (!e.retryable() || attempt >= config.maxAttempts()) {
          return "delivery failed after " + attempt + " attempt(s): " + e.getMessage();
        }
        LOG.warnf("delivery of %s failed (attempt %d): %s; retrying in %s",
            message.messageId(), attempt, e.getMessage(), backoff);
        LockSupport.parkNanos(backoff.toNanos());
        backoff = min(backoff.multipliedBy(2), config.maxBackoff());
      }
    }
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
    LOG.errorf("outbound message at %s-%d@%d dead-lettered: %s",
        record.topic(), record.partition(), record.offset(), reason);
    DeadLetter letter =
        new DeadLetter(SchemaVersions.CURRENT, record.topic(), record.partition(), record.offset(),
            record.key(), record.value() == null ? null : new String(record.value(), java.nio.charset.StandardCharsets.UTF_8),
            reason, "intake-service", Instant.now());
    try {
      publisher.publish(Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES), record.key(), letter, Duration.ofSeconds(10));
    } catch (PublishException e) {
      // Throwing stops the consumer without committing, so the message is retried, not lost.
      throw new IllegalStateException("cannot dead-letter " + record.offset() + ": " + e.getMessage(), e);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
