package dev.baton.intake.channel;

import jakarta.inject.Singleton;
import redis.clients.jedis.RedisClient;

/**
 * The emails Baton sent ({@code baton:<tenant>:em:sent:<Message-ID>}), see {@link SentMessages}.
 * A reply's Message-ID is derived from its Baton message id, so a redelivered outbound message
 * finds its record and is not sent again, even where the delivered mark was not yet set.
 *
 * <p>A singleton (not proxied): it extends {@link SentMessages}, whose constructor takes the client.
 */
@Singleton
public class EmailSentMessages extends SentMessages {
  public EmailSentMessages(RedisClient redis) {
    super(redis, "em");
  }
}
