package dev.baton.schemas;

import java.util.Objects;

/**
 * One turn of a conversation, as it was added: the complete, ordered transcript of every
 * conversation, whatever the size bound of its state keeps. Published by the handoff service to
 * {@code conversation-turns} in the same transaction as the state change that added it.
 *
 * @param seq the turn's position in its conversation, from 0; gap-free and in order per key
 * @param customer who the conversation is with, on its first turn and whenever what is known of
 *     them changed (so a reader can index every conversation by customer); null on the others
 */
public record ConversationTurn(
    int schemaVersion,
    String tenantId,
    String conversationId,
    int episode,
    long seq,
    Turn turn,
    Customer customer) implements Conversational {

  public ConversationTurn(int schemaVersion, String tenantId, String conversationId, int episode, long seq, Turn turn) {
    this(schemaVersion, tenantId, conversationId, episode, seq, turn, null);
  }

  public ConversationTurn {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(turn, "turn");
  }
}
