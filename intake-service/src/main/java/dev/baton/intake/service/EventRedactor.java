package dev.baton.intake.service;

import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.privacy.PrivacyPolicy;
import dev.baton.schemas.privacy.Redactor;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Masks an event's text with its tenant's privacy policy before the event is published: the intake
 * is where text enters Baton, so every later copy (topics, conversation state and transcript, the
 * handoff the agent sees, dead letters, the models' input) only ever holds the masked text. Card
 * numbers are masked for every tenant, even one the directory does not know.
 *
 * <p>The customer's {@code phone} and {@code email} fields are kept: the reply goes to them. The
 * attributes that hold what the customer wrote ({@link #FREE_TEXT}: an email's subject and the
 * email as sent) are masked like the text.
 */
@ApplicationScoped
public class EventRedactor {
  private final TenantDirectory tenants;

  public EventRedactor(TenantDirectory tenants) {
    this.tenants = tenants;
  }

  /** Attributes that carry the customer's own words. */
  public static final java.util.Set<String> FREE_TEXT = java.util.Set.of("email.subject", "email.original");

  public ConversationEvent redact(ConversationEvent event) {
    boolean freeText = event.attributes().keySet().stream().anyMatch(FREE_TEXT::contains);
    if (event.text() == null && !freeText) {
      return event;
    }
    PrivacyPolicy policy =
        tenants.find(event.tenantId()).map(TenantConfig::privacy).orElse(PrivacyPolicy.DEFAULTS);
    String text = event.text() == null ? null : Redactor.redact(event.text(), policy);
    java.util.Map<String, String> attributes = event.attributes();
    if (freeText) {
      java.util.Map<String, String> masked = new java.util.LinkedHashMap<>(attributes);
      masked.replaceAll((k, v) -> FREE_TEXT.contains(k) ? Redactor.redact(v, policy) : v);
      attributes = masked;
    }
    if (java.util.Objects.equals(text, event.text()) && attributes.equals(event.attributes())) {
      return event;
    }
    return new ConversationEvent(event.schemaVersion(), event.eventId(), event.type(),
        event.tenantId(), event.conversationId(), event.channel(), event.occurredAt(),
        event.customer(), text, event.agentId(), attributes);
  }
}
