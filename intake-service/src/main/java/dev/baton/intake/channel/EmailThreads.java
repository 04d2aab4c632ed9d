package dev.baton.intake.channel;

import dev.baton.schemas.serde.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Which conversation an email belongs to, per tenant, in Redis for {@link #TTL}:
 *
 * <ul>
 *   <li>{@code baton:<tenant>:email:msg:<h(Message-ID)>} → conversation id, for every email the
 *       customer sent and every reply Baton sent. A new email is looked up by its {@code
 *       In-Reply-To}, then its {@code References} newest first; when none is known it opens {@code
 *       email:<h(root Message-ID, sender)>}, the root being the oldest reference, so that every email of a
 *       thread Baton joined late still lands in one conversation. The entry also tells that an email
 *       was already taken: SendGrid retries for three days, past the intake's 24-hour event dedup.
 *   <li>{@code baton:<tenant>:email:thread:<conversation id>} → what a reply needs: the customer's
 *       address, the subject, the last Message-ID to answer and the references so far.
 * </ul>
 *
 * {@code h} is the first 20 bytes of SHA-256 in hex: Message-IDs are up to 998 characters of
 * anything. Redis errors reach the caller.
 */
@ApplicationScoped
public class EmailThreads {
  public static final Duration TTL = Duration.ofDays(180);
  /** References kept in a thread (the newest); RFC 5322 lets clients trim them the same way. */
  static final int MAX_REFERENCES = 20;

  /** What replying in a conversation needs. */
  public record Thread(String customerAddress, String customerName, String subject, String lastMessageId,
      List<String> references) {
    public Thread {
      references = references == null ? List.of() : List.copyOf(references);
    }
  }

  private final RedisClient redis;

  public EmailThreads(RedisClient redis) {
    this.redis = redis;
  }

  /** The conversation of the first of {@code messageIds} that is known, in the order given. */
  public Optional<String> conversationOf(String tenantId, List<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Optional.empty();
    }
    String[] keys = messageIds.stream().map(id -> messageKey(tenantId, id)).toArray(String[]::new);
    for (String conversation : redis.mget(keys)) {
      if (conversation != null) {
        return Optional.of(conversation);
      }
    }
    return Optional.empty();
  }

  /** Whether this Message-ID was taken (or sent) before. */
  public boolean known(String tenantId, String messageId) {
    return redis.exists(messageKey(tenantId, messageId));
  }

  /** Remembers that {@code messageId} is of {@code conversationId}. */
  public void remember(String tenantId, String messageId, String conversationId) {
    redis.set(messageKey(tenantId, messageId), conversationId, SetParams.setParams().ex(TTL.toSeconds()));
  }

  public void update(String tenantId, String conversationId, Thread thread) {
    redis.set(threadKey(tenantId, conversationId), Json.write(thread), SetParams.setParams().ex(TTL.toSeconds()));
  }

  public Optional<Thread> thread(String tenantId, String conversationId) {
    String value = redis.get(threadKey(tenantId, conversationId));
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.read(value, Thread.class));
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** The references of a reply to {@code messageId} in a thread that had {@code earlier}: the newest kept. */
  public static List<String> references(List<String> earlier, String messageId) {
    List<String> refs = new ArrayList<>(earlier);
    if (messageId != null) {
      refs.remove(messageId);
      refs.add(messageId);
    }
    return refs.size() <= MAX_REFERENCES ? refs : refs.subList(refs.size() - MAX_REFERENCES, refs.size());
  }

  /**
   * The conversation a sender's thread that Baton has not joined opens: named by the root and the
   * sender, so that another sender citing the same root opens their own.
   */
  public static String newConversation(String rootMessageId, String fromAddress) {
    return "email:" + hash(rootMessageId + '\u0000' + (fromAddress == null ? "" : fromAddress));
  }

  static String messageKey(String tenantId, String messageId) {
    return "baton:" + tenantId + ":email:msg:" + hash(messageId);
  }

  static String threadKey(String tenantId, String conversationId) {
    return "baton:" + tenantId + ":email:thread:" + conversationId;
  }

  /** 40 hex digits of SHA-256. */
  public static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
