package dev.baton.intake.channel;

import java.util.List;

/**
 * An email as a provider's inbound webhook describes it, before it becomes Baton's events.
 *
 * @param messageId the {@code Message-ID} without its angle brackets; null when the email had none
 * @param inReplyTo the first id of {@code In-Reply-To}, or null
 * @param references the ids of {@code References}, oldest first (as the header lists them)
 * @param fromAddress the sender's address, lower-cased
 * @param fromName the sender's display name (encoded words decoded), or null
 * @param recipients the addresses the email was delivered to, lower-cased (the envelope's when known)
 * @param subject the subject, decoded, or null
 * @param text the plain-text body as sent, or null
 * @param html the HTML body as sent, or null
 * @param providerStripped the provider's own reply-stripped text (Mailgun's {@code stripped-text}), or null
 * @param attachments how many attachments came with it (kept by the provider, not by Baton)
 */
public record InboundEmail(
    String messageId,
    String inReplyTo,
    List<String> references,
    String fromAddress,
    String fromName,
    List<String> recipients,
    String subject,
    String text,
    String html,
    String providerStripped,
    int attachments) {

  public InboundEmail {
    references = references == null ? List.of() : List.copyOf(references);
    recipients = recipients == null ? List.of() : List.copyOf(recipients);
  }

  /** A field of the webhook that cannot be read: answered 400 naming it. */
  public static final class Invalid extends Exception {
    private final String field;

    public Invalid(String field, String message) {
      super(field + ": " + message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }
}
