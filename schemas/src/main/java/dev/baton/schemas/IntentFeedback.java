package dev.baton.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * An agent's correction of the intent the bot recognised in a customer message. Published (by the
 * agent gateway) to {@code intent-feedback}, keyed by {@link ConversationKey}; the routing service keeps
 * each as a training example for the next retrain.
 *
 * @param eventId the customer message that was misread
 * @param predictedIntent what the bot thought, if known
 */
public record IntentFeedback(
    int schemaVersion,
    String feedbackId,
    String tenantId,
    String conversationId,
    String eventId,
    String text,
    String predictedIntent,
    String correctedIntent,
    String agentId,
    Instant occurredAt) implements Conversational {

  public IntentFeedback {
    Objects.requireNonNull(feedbackId, "feedbackId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(correctedIntent, "correctedIntent");
  }
}
