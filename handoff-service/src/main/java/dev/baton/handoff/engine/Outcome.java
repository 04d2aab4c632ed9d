package dev.baton.handoff.engine;

import dev.baton.schemas.ConversationState;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.OutboundMessage;
import java.util.List;
import java.util.Optional;

/**
 * What handling one event decided: the new state (null deletes it), messages to send, an optional
 * handoff, the turns it added to the transcript, and an optional rejection (the event is
 * dead-lettered with that reason).
 */
public record Outcome(
    ConversationState state,
    List<OutboundMessage> messages,
    Optional<HandoffRecord> handoff,
    Optional<String> rejection,
    List<ConversationTurn> turns) {

  public Outcome {
    messages = List.copyOf(messages);
    turns = List.copyOf(turns);
  }

  public static Outcome of(ConversationState state, List<OutboundMessage> messages, HandoffRecord handoff) {
    return new Outcome(state, messages, Optional.ofNullable(handoff), Optional.empty(), List.of());
  }

  public static Outcome rejected(ConversationState unchanged, String reason) {
    return new Outcome(unchanged, List.of(), Optional.empty(), Optional.of(reason), List.of());
  }
}
