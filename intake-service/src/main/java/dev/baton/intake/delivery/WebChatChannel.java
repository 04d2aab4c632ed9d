package dev.baton.intake.delivery;

import dev.baton.schemas.Channel;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Speaker;
import dev.baton.support.webchat.WebChatStream;
import dev.baton.tenant.Agent;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.WebChat;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import redis.clients.jedis.RedisClient;

/**
 * Delivers the replies (bot answers, agents' messages, notices) of a tenant's widget conversations
 * ({@code webchat:<random>}) to the visitor's widget: each becomes one entry of the conversation's {@link WebChatStream}, which whichever
 * intake instance holds the visitor's event stream sends on. The entry is written once per message
 * id (a redelivered message adds nothing); the engine's delivered mark, reported as {@code SENT}
 * with the entry's id, does the rest. An {@code agent-joined} notice is a {@code joined} entry,
 * which the widget shows as the agent joining; a message's choices become buttons the visitor can
 * tap. Redis runs on the blocking executor.
 */
@ApplicationScoped
public class WebChatChannel implements OutboundChannel {
  /** The reason the handoff service gives the notice it sends when an agent claims a conversation. */
  public static final String AGENT_JOINED = "agent-joined";

  private final RedisClient redis;
  private final Executor blocking;

  @Inject
  public WebChatChannel(RedisClient redis) {
    this(redis, Infrastructure.getDefaultWorkerPool());
  }

  public WebChatChannel(RedisClient redis, Executor blocking) {
    this.redis = redis;
    this.blocking = blocking;
  }

  @Override
  public boolean handles(TenantConfig tenant, OutboundMessage message) {
    return message.channel() == Channel.WEBCHAT && tenant.channels().webchat() != null
        && WebChat.isWidgetConversation(message.conversationId());
  }

  @Override
  public String provider() {
    return "webchat";
  }

  /** Completes with the stream entry's id. */
  @Override
  public CompletionStage<String> send(TenantConfig tenant, OutboundMessage m) {
    if (m.text().isBlank()) {
      return CompletableFuture.failedFuture(new DeliveryException("text is empty", false, null));
    }
    String agent = m.agentId() == null ? null : tenant.agent(m.agentId()).map(Agent::name).orElse(null);
    String type = AGENT_JOINED.equals(m.reason()) ? WebChatStream.JOINED : WebChatStream.MESSAGE;
    String data = WebChatStream.messageData(m.messageId(), from(m.sender()), agent, m.text(),
        m.createdAt() == null ? Instant.now() : m.createdAt(), null, m.choiceList());
    return CompletableFuture.supplyAsync(() -> {
      try {
        return WebChatStream.appendOnce(redis, tenant.id(), m.conversationId(), m.messageId(), type, data).toString();
      } catch (RuntimeException e) {
        throw new java.util.concurrent.CompletionException(
            new DeliveryException("cannot write to the web chat stream: " + e.getMessage(), true, e));
      }
    }, blocking);
  }

  static String from(Speaker sender) {
    if (sender == null) {
      return "bot";
    }
    return switch (sender) {
      case AGENT -> "agent";
      case SYSTEM -> "system";
      case CUSTOMER -> "customer";
      case BOT, NOTE -> "bot"; // a note never reaches outbound-messages
    };
  }
}
