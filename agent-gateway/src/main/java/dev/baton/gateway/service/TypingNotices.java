package dev.baton.gateway.service;

import dev.baton.support.webchat.WebChatStream;
import dev.baton.tenant.TenantDirectory;
import dev.baton.tenant.WebChat;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Tells a web chat visitor that the agent who owns their conversation is typing: a {@code typing}
 * entry in the conversation's {@link WebChatStream}, which the widget shows for a few seconds. At
 * most one per conversation every {@link #EVERY}, however often the desktop calls (a {@code SET NX
 * EX} mark, shared by every gateway instance), so typing never floods the visitor's stream. Only
 * the widget's own conversations of a tenant with web chat are told; for any other it does nothing.
 * Each notice replaces the one before, so typing never pushes messages out of the stream's history.
 */
@ApplicationScoped
public class TypingNotices {
  public static final Duration EVERY = Duration.ofSeconds(3);

  private final RedisClient redis;
  private final TenantDirectory tenants;
  private final Clock clock;

  @jakarta.inject.Inject
  public TypingNotices(RedisClient redis, TenantDirectory tenants) {
    this(redis, tenants, Clock.systemUTC());
  }

  TypingNotices(RedisClient redis, TenantDirectory tenants, Clock clock) {
    this.redis = redis;
    this.tenants = tenants;
    this.clock = clock;
  }

  /** True when the visitor was told now; false when not a widget conversation or told within {@link #EVERY}. */
  public boolean agentTyping(String tenantId, String conversationId, String agentName) {
    OffEventLoop.check();
    boolean widget = tenants.find(tenantId).map(t -> t.channels().webchat() != null).orElse(false)
        && WebChat.isWidgetConversation(conversationId);
    if (!widget) {
      return false;
    }
    String mark = "baton:" + tenantId + ":webchat-typing:" + conversationId;
    if (!"OK".equals(redis.set(mark, "1", SetParams.setParams().nx().px(EVERY.toMillis())))) {
      return false;
    }
    WebChatStream.appendTyping(redis, tenantId, conversationId, WebChatStream.typingData(agentName, clock.instant()));
    return true;
  }
}
