package dev.baton.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * What an agent (or the gateway on the tenant's behalf) did with a conversation. Published by the
 * agent gateway to {@code agent-actions}, keyed by {@link ConversationKey}; the handoff service
 * applies it to the conversation's state and answers on {@code agent-action-results}.
 *
 * @param actionId unique id; a retried action carries the same id
 * @param agentId who acted: a tenant agent, or {@link #SYSTEM_AGENT} for what the gateway does by
 *     itself (reassigning a conversation whose agent went offline, telling a waiting customer their
 *     place in the queue)
 * @param text the reply or note for {@link Type#REPLY} and {@link Type#NOTE}; the optional message
 *     to the customer for {@link Type#HAND_BACK}; null otherwise
 * @param targetAgentId for {@link Type#TRANSFER} to a person: who takes the conversation
 * @param targetSkill for {@link Type#TRANSFER} to a queue, and {@link Type#RELEASE}: the queue the
 *     conversation waits in afterwards (null keeps the current one)
 * @param resolutionCode for {@link Type#RESOLVE}: one of the tenant's resolution codes
 * @param queueStatus for {@link Type#QUEUE_STATUS}: the conversation's place in its queue
 */
public record AgentAction(
    int schemaVersion,
    String actionId,
    Type type,
    String tenantId,
    String conversationId,
    String agentId,
    String text,
    Instant occurredAt,
    String targetAgentId,
    String targetSkill,
    String resolutionCode,
    QueueStatus queueStatus) implements Conversational {

  /** The agent id of actions the gateway takes by itself; never a tenant agent's id. */
  public static final String SYSTEM_AGENT = "baton";

  public enum Type {
    /** Take a waiting (or bot-owned) conversation. */
    CLAIM,
    /** Send text to the customer; only the owner. */
    REPLY,
    /** An internal note: added to the transcript for agents, never sent to the customer. */
    NOTE,
    /** Give the conversation to another agent or queue: the owner, a supervisor or the system. */
    TRANSFER,
    /** Return the conversation to the bot, optionally with a last message to the customer. */
    HAND_BACK,
    /** Close the conversation with a resolution code. */
    RESOLVE,
    /** Put an owned conversation back in the queue (reassignment: offline or silent agent). */
    RELEASE,
    /** Where a waiting conversation stands in its queue, for the engine's waiting notices. */
    QUEUE_STATUS
  }

  /**
   * A waiting conversation's place in its queue, as the gateway sees it.
   *
   * @param position 1 for the next to be taken
   * @param expectedWaitSeconds an estimate, or null when there is none (no agent available)
   * @param agentsAvailable agents online with the skill and spare capacity
   */
  public record QueueStatus(int position, Integer expectedWaitSeconds, int agentsAvailable) {}

  public AgentAction {
    Objects.requireNonNull(actionId, "actionId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(agentId, "agentId");
  }

  /** An action with no target, code or queue status (claim, reply, note, hand back). */
  public AgentAction(int schemaVersion, String actionId, Type type, String tenantId, String conversationId,
      String agentId, String text, Instant occurredAt) {
    this(schemaVersion, actionId, type, tenantId, conversationId, agentId, text, occurredAt, null, null, null, null);
  }
}
