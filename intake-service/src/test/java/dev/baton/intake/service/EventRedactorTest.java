package dev.baton.intake.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.tenant.TenantDirectory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the customer wrote is masked wherever an event carries it: the text and an email's subject and original. */
class EventRedactorTest {
  private final EventRedactor redactor = new EventRedactor(TenantDirectory.of("v", List.of()));

  private static ConversationEvent event(String text, Map<String, String> attributes) {
    return new ConversationEvent(SchemaVersions.CURRENT, "e1", EventType.CUSTOMER_MESSAGE, "t", "c", Channel.EMAIL,
        Instant.now(), null, text, null, attributes);
  }

  @Test
  void anEmailsSubjectAndOriginalAreMaskedLikeItsText() {
    String card = "4111 1111 1111 1111";
    ConversationEvent e = redactor.redact(event("My card is " + card, Map.of(
        "email.subject", "Refund to " + card, "email.original", "My card is " + card + "\n> quoted",
        "email.messageId", "4111111111111111@x")));
    assertFalse(e.text().contains(card), e.text());
    assertFalse(e.attributes().get("email.subject").contains(card), e.attributes().toString());
    assertFalse(e.attributes().get("email.original").contains(card), e.attributes().toString());
    assertEquals("4111111111111111@x", e.attributes().get("email.messageId"), "ids are not free text");
  }

  @Test
  void anEventWithNothingToMaskIsReturnedAsItCame() {
    ConversationEvent e = event("hello", Map.of("email.subject", "hi"));
    assertSame(e, redactor.redact(e));
  }
}
