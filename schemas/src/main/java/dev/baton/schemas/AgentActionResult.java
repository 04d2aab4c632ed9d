package dev.baton.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * What the handoff service did with one {@link AgentAction}: applied it, found it already applied
 * (the same {@code actionId} earlier), or refused it. Published to {@code agent-action-results},
 * keyed by {@link ConversationKey}, in the same transaction as the state change, so an agent who
 * lost a race to claim learns at once who has the conversation.
 *
 * @param reason why the action was refused (as on {@code agent-actions-dlq}); null otherwise
 * @param owner who owns the conversation after the action; null when there is no conversation
 * @param ownerAgentId the agent who owns it after the action, while {@code owner} is AGENT
 * @param skill the queue the conversation belongs to after the action, when the engine knows it
 * @param resolutionCode the code of an applied {@link AgentAction.Type#RESOLVE}; null otherwise
 */
public record AgentActionResult(
    int schemaVersion,
    String actionId,
    String tenantId,
    String conversationId,
    String agentId,
    AgentAction.Type type,
    Outcome outcome,
    String reason,
    Owner owner,
    String ownerAgentId,
    Instant occurredAt,
    String skill,
    String resolutionCode) implements Conversational {

  public enum Outcome {
    /** The action changed (or confirmed) the conversation. */
    APPLIED,
    /** The same action id was applied earlier; nothing happened again. */
    DUPLICATE,
    /** The action was not applied; {@code reason} says why. */
    REFUSED
  }

  public AgentActionResult {
    Objects.requireNonNull(actionId, "actionId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** A result without skill or resolution code. */
  public AgentActionResult(int schemaVersion, String actionId, String tenantId, String conversationId,
      String agentId, AgentAction.Type type, Outcome outcome, String reason, Owner owner, String ownerAgentId,
      Instant occurredAt) {
    this(schemaVersion, actionId, tenantId, conversationId, agentId, type, outcome, reason, owner, ownerAgentId,
        occurredAt, null, null);
  }
}
