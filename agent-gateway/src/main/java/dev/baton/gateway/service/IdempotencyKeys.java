package dev.baton.gateway.service;

import dev.baton.gateway.config.GatewayConfig;
import dev.baton.schemas.AgentAction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Remembers, per agent, which action each {@code Idempotency-Key} was first used for:
 * {@code baton:<tenant>:idempotency:<agentId>:<key>} holds a SHA-256 fingerprint of the action
 * (type, conversation, text; never the text itself) for {@code gateway.idempotency.ttl}. A retry
 * of the same action is {@link Use#REPEAT}; the same key for another action is
 * {@link Use#CONFLICT}. Blocks: call it from a worker thread.
 */
@ApplicationScoped
public class IdempotencyKeys {
  public enum Use {
    FIRST,
    REPEAT,
    CONFLICT
  }

  private final RedisClient redis;
  private final long ttlSeconds;

  public IdempotencyKeys(RedisClient redis, GatewayConfig config) {
    this.redis = redis;
    this.ttlSeconds = Math.max(1, config.idempotency().ttl().toSeconds());
  }

  public Use use(String tenantId, String agentId, String key, AgentAction.Type type, String conversationId, String text) {
    OffEventLoop.check();
    String redisKey = "baton:" + tenantId + ":idempotency:" + agentId + ":" + key;
    String fingerprint = fingerprint(type, conversationId, text);
    for (int attempt = 0; attempt < 2; attempt++) {
      if ("OK".equals(redis.set(redisKey, fingerprint, SetParams.setParams().nx().ex(ttlSeconds)))) {
        return Use.FIRST;
      }
      String existing = redis.get(redisKey);
      if (existing != null) {
        return existing.equals(fingerprint) ? Use.REPEAT : Use.CONFLICT;
      }
      // Expired between the two calls: try once more.
    }
    return Use.CONFLICT;
  }

  static String fingerprint(AgentAction.Type type, String conversationId, String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(type.name().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(conversationId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      if (text != null) {
        sha.update((byte) 1);
        sha.update(text.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
