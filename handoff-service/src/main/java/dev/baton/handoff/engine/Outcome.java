package dev.baton.handoff.engine;

import dev.baton.schemas.ConversationState;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.OutboundMessage;
import java.util.List;
import java.util.Optional;

/**
 * What handling one event decided: the new state (null deletes it), messages to send, an optional
 * handoff, the turns it added to the transcript, and an optional rejection: the record changes
 * nothing, for that reason. A rejected record is dead-lettered ({@code deadLetter}) when it should
 * not have been sent (another tenant's conversation, an unknown tenant); an agent action the
 * rules refuse (not your conversation, the wrong state, no such conversation) is only answered
 * with its refusal: agents race for conversations every day, and that is not a record to repair.
 */
public record Outcome(
    ConversationState state,
    List<OutboundMessage> messages,
    Optional<HandoffRecord> handoff,
    Optional<String> rejection,
    List<ConversationTurn> turns,
    boolean deadLetter) {

  public Outcome {
    messages = List.copyOf(messages);
    turns = List.copyOf(turns);
  }

  public static Outcome of(ConversationState state, List<OutboundMessage> messages, HandoffRecord handoff) {
    return new Outcome(state, messages, Optional.ofNullable(handoff), Optional.empty(), List.of(), false);
  }

  /** Nothing changes, and the record goes to the dead-letter topic with {@code reason}. */
  public static Outcome rejected(ConversationState unchanged, String reason) {
    return new Outcome(unchanged, List.of(), Optional.empty(), Optional.of(reason), List.of(), true);
  }

  /** An agent action the rules refuse: nothing changes, and its result says {@code reason}. */
  public static Outcome refused(ConversationState unchanged, String reason) {
    return new Outcome(unchanged, List.of(), Optional.empty(), Optional.of(reason), List.of(), false);
  }
}
