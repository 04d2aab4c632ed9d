package dev.baton.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * What an agent did with a conversation. Published by the agent gateway to {@code agent-actions},
 * keyed by {@link ConversationKey}.
 *
 * @param actionId unique id; a retried action carries the same id
 * @param text the reply, for {@link Type#REPLY}; null otherwise
 */
public record AgentAction(
    int schemaVersion,
    String actionId,
    Type type,
    String tenantId,
    String conversationId,
    String agentId,
    String text,
    Instant occurredAt) implements Conversational {

  public enum Type {
    CLAIM,
    REPLY,
    HAND_BACK,
    RESOLVE
  }

  public AgentAction {
    Objects.requireNonNull(actionId, "actionId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(agentId, "agentId");
  }
}
