package dev.baton.intake.delivery;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.DeliveryStatus.Status;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.privacy.Redactor;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;

/**
 * Publishes how far each outbound message got to {@code delivery-statuses}, only ever forward
 * ({@link Status#supersedes}): the delivery engine's {@code SENT} and {@code FAILED}, the
 * providers' {@code delivered}, {@code read} and {@code failed} from their status webhooks. These
 * arrive from several places, out of order and repeated (Meta retries its webhooks, a {@code
 * delivered} can come after {@code read}), so each message's furthest status is kept in Redis
 * ({@code baton:<tenant>:delivery:<messageId>}, {@link #TTL}) and changed by one Lua script, atomic
 * across intake instances: a status is published only when it moved the message forward. A late
 * {@code delivered} after {@code read}, or a repeated status, changes nothing and publishes nothing.
 *
 * <p>If the broker does not take a status, the stored one is put back (when no later status
 * replaced it meanwhile), so the provider's retry of its webhook publishes it again.
 * Two statuses that advance one message at nearly the same moment on two threads may reach the
 * topic in either order; consumers keep the furthest by {@link Status#supersedes} as well.
 */
@ApplicationScoped
public class DeliveryStatuses {
  private static final Logger LOG = Logger.getLogger(DeliveryStatuses.class);
  /** As long as the providers' ids are remembered: statuses come within days. */
  public static final Duration TTL = Duration.ofDays(30);
  /** The longest reason a FAILED status carries from a dead letter. */
  static final int MAX_REASON = 300;

  /**
   * KEYS[1] the message's status; ARGV[1] the new status, ARGV[2] the TTL in seconds, ARGV[3..]
   * the statuses it may replace. Returns {1, previous or ''} when set, {0, current} when not.
   */
  private static final String ADVANCE = """
      local current = redis.call('GET', KEYS[1])
      if current then
        local replaceable = false
        for i = 3, #ARGV do
          if ARGV[i] == current then replaceable = true break end
        end
        if not replaceable then return {0, current} end
      end
      redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
      return {1, current or ''}
      """;

  /** KEYS[1]; ARGV[1] the status set, ARGV[2] the one before ('' for none), ARGV[3] the TTL. */
  private static final String REVERT = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        if ARGV[2] == '' then redis.call('DEL', KEYS[1])
        else redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3])) end
        return 1
      end
      return 0
      """;

  private final RedisClient redis;
  private final KafkaPublisher publisher;
  private final Duration publishTimeout;
  private final Executor blocking;

  @Inject
  public DeliveryStatuses(RedisClient redis, KafkaPublisher publisher, IntakeConfig config) {
    this(redis, publisher, config.publishTimeout(), Infrastructure.getDefaultWorkerPool());
  }

  /** @param blocking runs {@link #reportLater}'s Redis call and publish */
  public DeliveryStatuses(RedisClient redis, KafkaPublisher publisher, Duration publishTimeout, Executor blocking) {
    this.redis = redis;
    this.publisher = publisher;
    this.publishTimeout = publishTimeout;
    this.blocking = blocking;
  }

  /** The message was accepted by its provider. */
  public static DeliveryStatus sent(OutboundMessage m, String provider, String providerMessageId) {
    return new DeliveryStatus(SchemaVersions.CURRENT, m.tenantId(), m.conversationId(), m.messageId(), m.channel(),
        Status.SENT, Instant.now(), provider, providerMessageId, List.of());
  }

  /** The message was dead-lettered with this reason (bounded, phone numbers and emails masked). */
  public static DeliveryStatus failed(OutboundMessage m, String provider, String reason) {
    return new DeliveryStatus(SchemaVersions.CURRENT, m.tenantId(), m.conversationId(), m.messageId(), m.channel(),
        Status.FAILED, Instant.now(), provider, null, List.of(reason(reason)));
  }

  /**
   * A dead letter's reason as a status may carry it to agents: control characters escaped, card
   * numbers, phone numbers and emails masked (the reasons name fields, not values, but a
   * provider's text could quote one), at most {@value #MAX_REASON} characters.
   */
  static String reason(String reason) {
    String r = Redactor.maskEmails(Redactor.maskPhones(DeadLetters.bounded(String.valueOf(reason))));
    return r.length() > MAX_REASON ? r.substring(0, MAX_REASON - 3) + "..." : r;
  }

  /**
   * Applies the status if it moves its message forward and then publishes it; blocking (Redis,
   * then the broker's confirmation). Redis failures ({@code JedisException}) reach the caller.
   *
   * @return true when published, false when the message already had this status or a later one
   */
  public boolean report(DeliveryStatus status) throws PublishException {
    String key = key(status.tenantId(), status.messageId());
    List<String> args = new ArrayList<>();
    args.add(status.status().name());
    args.add(Long.toString(TTL.toSeconds()));
    for (Status s : Status.values()) {
      if (status.status().supersedes(s)) {
        args.add(s.name());
      }
    }
    List<?> result = (List<?>) redis.eval(ADVANCE, List.of(key), args);
    if (!"1".equals(text(result.get(0)))) {
      LOG.debugf("status %s of %s ignored: it is already %s", status.status(), safe(status.messageId()),
          text(result.get(1)));
      return false;
    }
    String previous = text(result.get(1));
    try {
      publisher.publish(Topics.DELIVERY_STATUSES, status, publishTimeout);
    } catch (PublishException e) {
      try {
        redis.eval(REVERT, List.of(key), List.of(status.status().name(), previous, Long.toString(TTL.toSeconds())));
      } catch (RuntimeException revert) {
        e.addSuppressed(revert);
      }
      throw e;
    }
    LOG.debugf("%s is %s (%s)", safe(status.messageId()), status.status(), status.provider());
    return true;
  }

  /**
   * {@link #report} on the blocking executor, for the delivery engine: the caller goes on at
   * once, and a failure is logged, never the delivery's.
   */
  public void reportLater(DeliveryStatus status) {
    try {
      blocking.execute(() -> {
        try {
          report(status);
        } catch (PublishException | RuntimeException e) {
          LOG.warnf("status %s of %s not published: %s", status.status(), safe(status.messageId()), e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.warnf("status %s of %s not published: %s", status.status(), safe(status.messageId()), e.toString());
    }
  }

  static String key(String tenantId, String messageId) {
    return "baton:" + tenantId + ":delivery:" + messageId;
  }

  private static String text(Object value) {
    return value instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(value);
  }

  private static String safe(String id) {
    return DeadLetters.bounded(id);
  }
}
