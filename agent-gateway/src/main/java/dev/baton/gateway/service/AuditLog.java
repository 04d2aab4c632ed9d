package dev.baton.gateway.service;

import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Who did what, when, to which conversation, and how it ended: every agent action and every read
 * of a transcript or of this log, as one entry of the Redis stream {@code baton:<tenant>:audit}
 * (the newest {@code gateway.audit.max-entries}, trimmed approximately). Entries hold ids, names
 * of actions and outcomes only: never a token, never message text. Blocks: call it from a worker.
 */
@ApplicationScoped
public class AuditLog {
  private static final int SCAN_PAGE = 500;

  /** One entry; {@code id} is the stream entry id (time-ordered). */
  public record Entry(String id, String at, String tenantId, String agentId, String action, String conversationId,
      String outcome) {}

  private final RedisClient redis;
  private final long maxEntries;
  private final Clock clock;

  public AuditLog(RedisClient redis, GatewayConfig config) {
    this.redis = redis;
    this.maxEntries = config.audit().maxEntries();
    this.clock = Clock.systemUTC();
  }

  /**
   * @param conversationId null when the request named none (or no valid one)
   * @param outcome e.g. {@code accepted}, {@code refused 409}, {@code read 12 turns}
   */
  public void record(AuthenticatedAgent agent, String action, String conversationId, String outcome) {
    OffEventLoop.check();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("at", Instant.now(clock).toString());
    fields.put("agentId", agent.agentId());
    fields.put("action", action);
    if (conversationId != null) {
      fields.put("conversationId", conversationId);
    }
    fields.put("outcome", outcome);
    redis.xadd(key(agent.tenantId()), XAddParams.xAddParams().maxLen(maxEntries).approximateTrimming(), fields);
  }

  /** The tenant's newest entries first, about {@code conversationId} when it is not null. */
  public List<Entry> read(String tenantId, String conversationId, int limit) {
    OffEventLoop.check();
    List<Entry> out = new ArrayList<>();
    String end = "+";
    while (out.size() < limit) {
      List<StreamEntry> page = redis.xrevrange(key(tenantId), end, "-", SCAN_PAGE);
      for (StreamEntry e : page) {
        Map<String, String> f = e.getFields();
        if (conversationId == null || conversationId.equals(f.get("conversationId"))) {
          out.add(new Entry(e.getID().toString(), f.get("at"), tenantId, f.get("agentId"), f.get("action"),
              f.get("conversationId"), f.get("outcome")));
          if (out.size() == limit) {
            break;
          }
        }
      }
      if (page.size() < SCAN_PAGE) {
        break;
      }
      end = "(" + page.get(page.size() - 1).getID();
    }
    return out;
  }

  static String key(String tenantId) {
    return "baton:" + tenantId + ":audit";
  }

}
