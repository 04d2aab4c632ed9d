package dev.baton.intake.channel;

import jakarta.inject.Singleton;
import redis.clients.jedis.RedisClient;

/**
 * The SIDs of the messages Baton sent through Twilio's Messages API ({@code
 * baton:<tenant>:tw:sent:<MessageSid>}), for Twilio's status callbacks; see {@link SentMessages}.
 *
 * <p>A singleton (not proxied): it extends {@link SentMessages}, whose constructor takes the client.
 */
@Singleton
public class TwilioSentMessages extends SentMessages {
  public TwilioSentMessages(RedisClient redis) {
    super(redis, "tw");
  }
}
