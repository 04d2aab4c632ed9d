package dev.baton.schemas;

import java.util.Objects;

/**
 * The identity of a conversation: the pair (tenant, conversation id). Two tenants may both use
 * {@code conv-1} or the same phone number as a conversation id; they are two conversations.
 *
 * <p>Every pipeline topic is keyed by {@link #of(String, String)}, {@code <tenantId>/<conversationId>},
 * so that one conversation's events, actions and state share a partition, and state stores are
 * keyed the same way. {@code /} cannot occur in either id (ids are letters, digits and
 * {@code . _ : @ + -}), so the key splits back unambiguously.
 */
public record ConversationKey(String tenantId, String conversationId) {
  public static final char SEPARATOR = '/';

  public ConversationKey {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    if (tenantId.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("tenant id contains " + SEPARATOR);
    }
  }

  /** The record and store key of a conversation. */
  public static String of(String tenantId, String conversationId) {
    return new ConversationKey(tenantId, conversationId).toString();
  }

  /** Splits a key made by {@link #of}; empty for anything else (e.g. a record keyed the old way). */
  public static java.util.Optional<ConversationKey> parse(String key) {
    if (key == null) {
      return java.util.Optional.empty();
    }
    int at = key.indexOf(SEPARATOR);
    if (at <= 0 || at == key.length() - 1) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new ConversationKey(key.substring(0, at), key.substring(at + 1)));
  }

  @Override
  public String toString() {
    return tenantId + SEPARATOR + conversationId;
  }
}
