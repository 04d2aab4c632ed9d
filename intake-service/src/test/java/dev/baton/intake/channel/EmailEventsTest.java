package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An email as Baton's events: its new words, parts, the original bounded, the subject when nothing is new. */
class EmailEventsTest {
  private static InboundEmail email(String messageId, String subject, String text, String html, String stripped) {
    return new InboundEmail(messageId, null, List.of(), "ann@example.com", "Ann", List.of("help@x.example"), subject,
        text, html, stripped, 0);
  }

  @Test
  void aLongEmailIsSeveralEventsInOrderAndItsOriginalIsBounded() {
    String text = "a".repeat(25) + "\n> quoted";
    List<ConversationEvent> events = EmailEvents.toEvents("t", email("m1@x", "S", text, null, null), "email:c",
        "sendgrid", "help@x.example", Instant.now(), 10);
    assertEquals(3, events.size());
    assertEquals(List.of("em:" + EmailThreads.hash("m1@x"), "em:" + EmailThreads.hash("m1@x") + ":p2",
        "em:" + EmailThreads.hash("m1@x") + ":p3"), events.stream().map(ConversationEvent::eventId).toList());
    assertEquals("2/3", events.get(1).attributes().get("part"));
    assertEquals("aaaaaaaaaa", events.get(0).attributes().get("email.original"));
    assertEquals("true", events.get(0).attributes().get("email.originalTruncated"));
    assertEquals(Channel.EMAIL, events.get(0).channel());
    assertEquals("ann@example.com", events.get(0).customer().email());
  }

  @Test
  void mailgunsStrippedTextWinsAnHtmlOnlyEmailIsReadAndAnEmptyReplyIsItsSubject() {
    ConversationEvent mailgun = EmailEvents.toEvents("t", email("m2@x", "S", "Yes\n\nOn Mon, X wrote:\n> q", null, "Yes."),
        "c", "mailgun", "a", Instant.now(), 4000).get(0);
    assertEquals("Yes.", mailgun.text());
    ConversationEvent html = EmailEvents.toEvents("t", email("m3@x", "S", null,
        "<p>Sure&nbsp;thing</p><blockquote>old</blockquote>", null), "c", "sendgrid", "a", Instant.now(), 4000).get(0);
    assertEquals("Sure thing", html.text());
    assertEquals("Sure thing\nold", html.attributes().get("email.original"), "the original keeps the quote");
    ConversationEvent empty = EmailEvents.toEvents("t", email("m4@x", "Invoice 42", "> only quoted", null, null),
        "c", "sendgrid", "a", Instant.now(), 4000).get(0);
    assertEquals("Invoice 42", empty.text());
  }

  @Test
  void withoutAMessageIdTheEventIdIsOfTheContentAndInvisibleCharactersGo() {
    InboundEmail e = email(null, "S", "Hi\u202E there", null, null);
    assertEquals(EmailEvents.eventId(e), EmailEvents.eventId(email(null, "S", "Hi\u202E there", null, null)));
    assertFalse(EmailEvents.eventId(e).equals(EmailEvents.eventId(email(null, "S", "Hi there!", null, null))));
    assertEquals("Hi there", EmailEvents.toEvents("t", e, "c", "sendgrid", "a", Instant.now(), 4000).get(0).text());
  }
}
