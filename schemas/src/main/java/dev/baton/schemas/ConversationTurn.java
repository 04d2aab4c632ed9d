package dev.baton.schemas;

import java.util.Objects;

/**
 * One turn of a conversation, as it was added: the complete, ordered transcript of every
 * conversation, whatever the size bound of its state keeps. Published by the handoff service to
 * {@code conversation-turns} in the same transaction as the state change that added it.
 *
 * @param seq the turn's position in its conversation, from 0; gap-free and in order per key
 */
public record ConversationTurn(
    int schemaVersion,
    String tenantId,
    String conversationId,
    int episode,
    long seq,
    Turn turn) implements Conversational {

  public ConversationTurn {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(turn, "turn");
  }
}
