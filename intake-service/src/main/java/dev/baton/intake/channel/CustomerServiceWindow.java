package dev.baton.intake.channel;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * WhatsApp's 24-hour customer-service window, per tenant and customer: it opens (or restarts) each
 * time the customer writes, and while it is open the business may send free-form messages; once it
 * has closed, only an approved template. Our own messages never reopen it.
 *
 * <p>Kept in Redis as {@code baton:<tenant>:wa:window:<wa_id>} holding the last inbound message's
 * time (unix seconds), expiring with the window, so that every intake instance sees the same
 * window and a restart forgets nothing. Redis errors reach the caller.
 */
@ApplicationScoped
public class CustomerServiceWindow {
  public static final Duration LENGTH = Duration.ofHours(24);

  private final RedisClient redis;

  public CustomerServiceWindow(RedisClient redis) {
    this.redis = redis;
  }

  /**
   * The customer wrote at {@code at}. A message delivered late (Meta retries for days) never moves
   * the window back, and one older than the window opens nothing.
   */
  public void customerWrote(String tenantId, String waId, Instant at, Instant now) {
    Instant closes = at.plus(LENGTH);
    if (!closes.isAfter(now)) {
      return;
    }
    String key = key(tenantId, waId);
    Optional<Instant> current = lastInbound(tenantId, waId);
    if (current.isPresent() && !current.get().isBefore(at)) {
      return;
    }
    redis.set(key, Long.toString(at.getEpochSecond()),
        SetParams.setParams().pxAt(closes.toEpochMilli()));
  }

  /** True while the customer's last message is less than 24 hours old. */
  public boolean isOpen(String tenantId, String waId, Instant now) {
    return lastInbound(tenantId, waId).map(at -> at.plus(LENGTH).isAfter(now)).orElse(false);
  }

  private Optional<Instant> lastInbound(String tenantId, String waId) {
    String value = redis.get(key(tenantId, waId));
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(value)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code waId} as WhatsApp writes it (digits) or in E.164 ({@code +} and digits): one key. */
  static String key(String tenantId, String waId) {
    return "baton:" + tenantId + ":wa:window:" + (waId.startsWith("+") ? waId.substring(1) : waId);
  }
}
