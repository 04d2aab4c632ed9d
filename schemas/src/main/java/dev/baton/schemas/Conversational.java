package dev.baton.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A record that belongs to one conversation of one tenant, and so has a {@link ConversationKey}. */
public interface Conversational {
  String tenantId();

  String conversationId();

  /** {@code <tenantId>/<conversationId>}: the Kafka record key and state store key. */
  @JsonIgnore
  default String conversationKey() {
    return ConversationKey.of(tenantId(), conversationId());
  }
}
