package dev.baton.intake.channel;

import dev.baton.schemas.serde.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Which Baton message a {@code wamid} is, so that WhatsApp's status webhooks (sent, delivered,
 * read, failed; they name only the wamid) can be matched to the message and its conversation.
 * Kept in Redis as {@code baton:<tenant>:wa:sent:<wamid>} for {@link #TTL}: Meta's statuses come
 * within days, and retries of its webhooks stop after about a week.
 *
 * <p>A text longer than WhatsApp's limit goes out in parts, one wamid each; which parts were
 * already sent is remembered here too ({@code baton:<tenant>:wa:parts:<messageId>}, for as long
 * as the delivered mark), so that a retry after a failed later part does not send the first
 * again. Redis errors reach the caller.
 */
@ApplicationScoped
public class WhatsAppSentMessages {
  public static final Duration TTL = Duration.ofDays(30);
  private static final Duration PARTS_TTL = Duration.ofDays(2);

  /**
   * A message Baton sent on WhatsApp.
   *
   * @param part which part of the message's text this wamid carries, from 1
   * @param parts how many parts the text was sent in (1 for most messages and every template)
   */
  public record Sent(String messageId, String conversationId, int part, int parts) {}

  private final RedisClient redis;

  public WhatsAppSentMessages(RedisClient redis) {
    this.redis = redis;
  }

  /** Remembers that {@code wamid} is {@code sent}; a part of several also counts as sent. */
  public void record(String tenantId, String wamid, Sent sent) {
    redis.set(key(tenantId, wamid), Json.write(sent), SetParams.setParams().ex(TTL.toSeconds()));
    if (sent.parts() > 1) {
      redis.set(partsKey(tenantId, sent.messageId()), Integer.toString(sent.part()),
          SetParams.setParams().ex(PARTS_TTL.toSeconds()));
    }
  }

  /** The message a wamid of this tenant is, while remembered. */
  public Optional<Sent> lookup(String tenantId, String wamid) {
    String value = redis.get(key(tenantId, wamid));
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.read(value, Sent.class));
    } catch (UncheckedIOException e) {
      return Optional.empty(); // not ours to interpret; the status is then unmatched
    }
  }

  /** How many parts of a multi-part message were sent, in order (0 when none or not split). */
  public int partsSent(String tenantId, String messageId) {
    String value = redis.get(partsKey(tenantId, messageId));
    if (value == null) {
      return 0;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String key(String tenantId, String wamid) {
    return "baton:" + tenantId + ":wa:sent:" + wamid;
  }

  static String partsKey(String tenantId, String messageId) {
    return "baton:" + tenantId + ":wa:parts:" + messageId;
  }
}
