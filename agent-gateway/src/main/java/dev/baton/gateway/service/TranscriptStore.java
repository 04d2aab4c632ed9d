package dev.baton.gateway.service;

import dev.baton.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.Tuple;

/**
 * Every turn of every conversation, from {@code conversation-turns}: one sorted set per
 * conversation, {@code baton:<tenant>:turns:<conversationId>}, scored by the turn's {@code seq},
 * members the turn records' JSON. A redelivered turn (a seq already kept) is not added again,
 * whatever its bytes. The key expires {@code gateway.transcript.ttl} after the conversation's
 * last turn. Every method blocks: call it from a worker thread.
 */
@ApplicationScoped
public class TranscriptStore {
  /**
   * Adds ARGV[2] at score ARGV[1] unless that score is taken; refreshes the expiry (ARGV[3] ms).
   * With a customer index (KEYS[2]), files the conversation (ARGV[4]) there at its time (ARGV[5]
   * ms) unless it is filed already, never shortening the index's life.
   */
  private static final String ADD_ONCE = """
      if redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[1]) == 0 then
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
      end
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      if KEYS[2] then
        redis.call('ZADD', KEYS[2], 'NX', ARGV[5], ARGV[4])
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
      end
      return 1
      """;

  /** One page of a transcript. */
  public record Page(List<String> turns, Long next, long total) {}

  private final RedisClient redis;
  private final Duration ttl;

  public TranscriptStore(RedisClient redis, GatewayConfig config) {
    this.redis = redis;
    this.ttl = config.transcript().ttl();
  }

  public void add(String tenantId, String conversationId, long seq, String json) {
    add(tenantId, conversationId, seq, json, null, 0);
  }

  /**
   * Adds a turn and, when it names the customer ({@code customerKey} as {@link
   * ConversationViews#customerKey} makes it), files the conversation among the customer's, so that
   * conversations the bot handled alone are listed with those agents had.
   */
  public void add(String tenantId, String conversationId, long seq, String json, String customerKey, long atMillis) {
    OffEventLoop.check();
    String turns = key(tenantId, conversationId);
    if (customerKey == null) {
      redis.eval(ADD_ONCE, List.of(turns), List.of(Long.toString(seq), json, Long.toString(ttl.toMillis())));
    } else {
      redis.eval(ADD_ONCE, List.of(turns, EventLog.customerKey(tenantId, customerKey)), List.of(Long.toString(seq), json,
          Long.toString(ttl.toMillis()), conversationId, Long.toString(atMillis)));
    }
  }


  /** Up to {@code limit} turns from seq {@code from}, in order; empty for an unknown conversation. */
  public Optional<Page> page(String tenantId, String conversationId, long from, int limit) {
    OffEventLoop.check();
    String key = key(tenantId, conversationId);
    long total = redis.zcard(key);
    if (total == 0) {
      return Optional.empty();
    }
    List<Tuple> found = redis.zrangeByScoreWithScores(key, Long.toString(from), "+inf", 0, limit + 1);
    List<String> turns = new ArrayList<>(Math.min(found.size(), limit));
    for (int i = 0; i < found.size() && i < limit; i++) {
      turns.add(found.get(i).getElement());
    }
    Long next = found.size() > limit ? (long) found.get(limit).getScore() : null;
    return Optional.of(new Page(turns, next, total));
  }

  static String key(String tenantId, String conversationId) {
    return "baton:" + tenantId + ":turns:" + conversationId;
  }
}
