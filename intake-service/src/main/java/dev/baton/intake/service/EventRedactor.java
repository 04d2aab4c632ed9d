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
 * <p>The customer's {@code phone} and {@code email} fields are kept: the reply goes to them.
 */
@ApplicationScoped
public class EventRedactor {
  private final TenantDirectory tenants;

  public EventRedactor(TenantDirectory tenants) {
    this.tenants = tenants;
  }

  public ConversationEvent redact(ConversationEvent event) {
    if (event.text() == null) {
      return event;
    }
    PrivacyPolicy policy =
        tenants.find(event.tenantId()).map(TenantConfig::privacy).orElse(PrivacyPolicy.DEFAULTS);
    String text = Redactor.redact(event.text(), policy);
    if (text.equals(event.text())) {
      return event;
    }
    return new ConversationEvent(event.schemaVersion(), event.eventId(), event.type(),
        event.tenantId(), event.conversationId(), event.channel(), event.occurredAt(),
        event.customer(), text, event.agentId(), event.attributes());
  }
}
