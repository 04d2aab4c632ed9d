package dev.baton.handoff.engine;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.Owner;
import dev.baton.schemas.SchemaVersions;
import java.time.Instant;

/**
 * The {@link AgentActionResult} of one agent action, from the state before it and what the engine
 * decided: refused when the engine rejected it, a duplicate when the state had already seen its
 * action id, applied otherwise (a claim by the agent who already owns the conversation included).
 * Owner, owner agent and skill (the queue) are those after the action, so a losing claimer learns
 * who has it; an applied resolve also says the code it was resolved with.
 */
public final class ActionResults {
  private ActionResults() {}

  public static AgentActionResult of(AgentAction action, ConversationState before, Outcome outcome, Instant now) {
    if (outcome.rejection().isPresent()) {
      return refused(action, before, outcome.rejection().get(), now);
    }
    AgentActionResult.Outcome kind = before != null && before.hasSeen(action.actionId())
        ? AgentActionResult.Outcome.DUPLICATE : AgentActionResult.Outcome.APPLIED;
    return result(action, outcome.state(), kind, null, now);
  }

  /** A refusal with {@code state} (null: no conversation) as it stands. */
  public static AgentActionResult refused(AgentAction action, ConversationState state, String reason, Instant now) {
    return result(action, state, AgentActionResult.Outcome.REFUSED, reason, now);
  }

  private static AgentActionResult result(AgentAction action, ConversationState state,
      AgentActionResult.Outcome kind, String reason, Instant now) {
    // Another tenant's state is never described to this agent (keys make it impossible; be sure).
    boolean visible = state != null && state.tenantId().equals(action.tenantId());
    Owner owner = visible ? state.owner() : null;
    String ownerAgentId = owner == Owner.AGENT ? state.agentId() : null;
    String skill = visible ? state.skill() : null;
    boolean resolved = kind != AgentActionResult.Outcome.REFUSED && action.type() == AgentAction.Type.RESOLVE
        && owner == Owner.RESOLVED;
    return new AgentActionResult(SchemaVersions.CURRENT, action.actionId(), action.tenantId(),
        action.conversationId(), action.agentId(), action.type(), kind, reason, owner, ownerAgentId, now, skill,
        resolved ? state.resolutionCode() : null);
  }
}
