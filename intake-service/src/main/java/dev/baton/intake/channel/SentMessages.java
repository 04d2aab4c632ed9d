package dev.baton.intake.channel;

import dev.baton.schemas.Channel;
import dev.baton.schemas.serde.Json;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Which Baton message a provider's message id is, so that the provider's status webhooks (which
 * name only their own id: a wamid, a Twilio SID) can be matched to the message and its
 * conversation. Kept in Redis as {@code baton:<tenant>:<provider>:sent:<id>} for {@link #TTL}:
 * statuses come within days, and the providers' retries of their webhooks stop after about a week.
 *
 * <p>A text longer than the provider's limit goes out in parts, one provider id each; which parts
 * were already sent is remembered too ({@code baton:<tenant>:<provider>:parts:<messageId>}, for as
 * long as the delivered mark), so that a retry after a failed later part does not send the first
 * again. Redis errors reach the caller.
 */
public abstract class SentMessages {
  public static final Duration TTL = Duration.ofDays(30);
  private static final Duration PARTS_TTL = Duration.ofDays(2);

  /**
   * A message Baton sent through a provider.
   *
   * @param channel the message's channel (WhatsApp, or SMS for Twilio); null in records written
   *     before it was kept, which were all WhatsApp
   * @param part which part of the message's text this id carries, from 1
   * @param parts how many parts the text was sent in (1 for most messages and every template)
   */
  public record Sent(String messageId, String conversationId, Channel channel, int part, int parts) {}

  private final RedisClient redis;
  private final String provider;

  /** @param provider the key segment of this provider's records: {@code wa}, {@code tw} */
  protected SentMessages(RedisClient redis, String provider) {
    this.redis = redis;
    this.provider = provider;
  }

  /** Remembers that {@code id} is {@code sent}; a part of several also counts as sent. */
  public void record(String tenantId, String id, Sent sent) {
    redis.set(key(tenantId, id), Json.write(sent), SetParams.setParams().ex(TTL.toSeconds()));
    if (sent.parts() > 1) {
      redis.set(partsKey(tenantId, sent.messageId()), Integer.toString(sent.part()),
          SetParams.setParams().ex(PARTS_TTL.toSeconds()));
    }
  }

  /** The message a provider id of this tenant is, while remembered. */
  public Optional<Sent> lookup(String tenantId, String id) {
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    String value = redis.get(key(tenantId, id));
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

  String key(String tenantId, String id) {
    return "baton:" + tenantId + ":" + provider + ":sent:" + id;
  }

  String partsKey(String tenantId, String messageId) {
    return "baton:" + tenantId + ":" + provider + ":parts:" + messageId;
  }
}
