package dev.baton.intake.channel;

import dev.baton.intake.service.TextRules;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an inbound email into Baton's conversation events, with the rules of the other channels
 * ({@link WhatsAppEvents}): nothing is refused for its content, characters Baton refuses are
 * stripped, a long text becomes several events in order.
 *
 * <ul>
 *   <li>event id {@code em:<h(Message-ID)>}, so a provider's retry is a duplicate (an email without
 *       a Message-ID: {@code em:c.<h(from, subject, text)>});
 *   <li>the customer is the lower-cased address (id and email), named by the display name;
 *   <li>the text is the customer's new words ({@link ReplyStripper}, or Mailgun's {@code
 *       stripped-text}); the email as sent is kept in {@code email.original} (bounded, {@code
 *       email.originalTruncated} when cut), the subject in {@code email.subject}.
 * </ul>
 */
public final class EmailEvents {
  private static final int MAX_ATTRIBUTE = 256;

  private EmailEvents() {}

  /** The event id of this email. */
  public static String eventId(InboundEmail e) {
    if (e.messageId() != null) {
      return "em:" + EmailThreads.hash(e.messageId());
    }
    return "em:c." + EmailThreads.hash(e.fromAddress() + '\u0000' + e.subject() + '\u0000' + e.text() + '\u0000'
        + e.html());
  }

  /** The customer's new words: the provider's stripped text, else ours of the text, else of the HTML. */
  static String newText(InboundEmail e) {
    if (e.providerStripped() != null && !e.providerStripped().isBlank()) {
      return e.providerStripped();
    }
    if (e.text() != null && !e.text().isBlank()) {
      return ReplyStripper.strip(e.text());
    }
    return ReplyStripper.stripHtml(e.html());
  }

  /**
   * @param provider {@code mailgun} or {@code sendgrid}
   * @param address the tenant's address it was sent to
   */
  public static List<ConversationEvent> toEvents(String tenantId, InboundEmail e, String conversationId,
      String provider, String address, Instant receivedAt, int maxTextLength) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("email.provider", provider);
    put(attributes, "email.to", address);
    put(attributes, "email.messageId", e.messageId());
    put(attributes, "email.inReplyTo", e.inReplyTo());
    put(attributes, "email.subject", e.subject());
    if (e.attachments() > 0) {
      attributes.put("email.attachments", Integer.toString(e.attachments()));
    }
    String original = WhatsAppEvents.clean(e.text() != null && !e.text().isBlank() ? e.text()
        : ReplyStripper.htmlText(e.html()), TextRules.TEXT, Integer.MAX_VALUE);
    if (original != null) {
      if (original.length() > maxTextLength) {
        attributes.put("email.originalTruncated", "true");
        original = WhatsAppEvents.split(original, maxTextLength).get(0);
      }
      attributes.put("email.original", original);
    }
    String text = WhatsAppEvents.clean(newText(e), TextRules.TEXT, Integer.MAX_VALUE);
    if (text == null) {
      String subject = WhatsAppEvents.clean(e.subject(), TextRules.LINE, MAX_ATTRIBUTE);
      text = subject != null ? subject : "(empty email)";
    }
    Customer customer = new Customer(e.fromAddress(),
        WhatsAppEvents.clean(e.fromName(), TextRules.LINE, MAX_ATTRIBUTE), null, e.fromAddress());
    List<String> parts = WhatsAppEvents.split(text, maxTextLength);
    return WhatsAppEvents.customerMessages(eventId(e), tenantId, conversationId, Channel.EMAIL, receivedAt, customer,
        parts, attributes);
  }

  private static void put(Map<String, String> attributes, String key, String value) {
    String v = WhatsAppEvents.clean(value, TextRules.LINE, MAX_ATTRIBUTE);
    if (v != null) {
      attributes.put(key, v);
    }
  }
}
