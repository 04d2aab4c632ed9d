package dev.baton.intake.channel;

import jakarta.inject.Singleton;
import redis.clients.jedis.RedisClient;

/**
 * The wamids of the messages Baton sent through Meta's Cloud API ({@code
 * baton:<tenant>:wa:sent:<wamid>}), for WhatsApp's status webhooks; see {@link SentMessages}.
 *
 * <p>A singleton (not proxied): it extends {@link SentMessages}, whose constructor takes the client.
 */
@Singleton
public class WhatsAppSentMessages extends SentMessages {
  public WhatsAppSentMessages(RedisClient redis) {
    super(redis, "wa");
  }
}
