package dev.baton.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How far a message Baton sent to a customer got: the provider accepted it, delivered it, the
 * customer read it, or it failed. Published by the intake service to {@code delivery-statuses} as
 * it learns them (from the provider's answer and its status webhooks, or a dead letter), so agents
 * see whether their reply arrived. A status only ever moves forward: {@link Status#supersedes}.
 *
 * @param messageId the {@link OutboundMessage}'s id (also its transcript turn's event id)
 * @param provider who reported it: {@code whatsapp}, {@code twilio}, {@code webhook}
 * @param providerMessageId the provider's id of the message (a wamid, a Twilio SID), or null
 * @param errors the provider's error codes and titles on a failure, e.g. {@code 131026 Message
 *     undeliverable}; empty otherwise
 */
public record DeliveryStatus(
    int schemaVersion,
    String tenantId,
    String conversationId,
    String messageId,
    Channel channel,
    Status status,
    Instant at,
    String provider,
    String providerMessageId,
    List<String> errors) implements Conversational {

  /** Ordered: a later one supersedes an earlier one, never the other way round. */
  public enum Status {
    SENT,
    DELIVERED,
    READ,
    FAILED;

    /**
     * Whether this status may replace {@code current}. Read and failed are final: once a customer
     * has read a message a late failure report does not undo it, and a failed message is not
     * revived by a late {@code delivered}.
     */
    public boolean supersedes(Status current) {
      if (current == null) {
        return true;
      }
      if (current == READ || current == FAILED) {
        return false;
      }
      return this.ordinal() > current.ordinal();
    }
  }

  public DeliveryStatus {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(status, "status");
    errors = errors == null ? List.of() : List.copyOf(errors);
  }
}
