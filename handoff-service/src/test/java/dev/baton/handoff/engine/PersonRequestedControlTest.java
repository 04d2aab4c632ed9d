package dev.baton.handoff.engine;

import static dev.baton.handoff.engine.EngineFixture.C;
import static dev.baton.handoff.engine.EngineFixture.T0;
import static dev.baton.handoff.engine.EngineFixture.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Intent;
import dev.baton.schemas.Owner;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The web chat's "talk to a person" button: an explicit request, whatever the text and the models say. */
class PersonRequestedControlTest {
  private final EngineFixture f = new EngineFixture();

  /** A confidently understood FAQ question the bot could answer, with or without the control's attribute. */
  private static EnrichedEvent message(String id, String text, Map<String, String> attributes) {
    ConversationEvent e = new ConversationEvent(SchemaVersions.CURRENT, id, EventType.CUSTOMER_MESSAGE, TENANT, C,
        Channel.WEBCHAT, T0, Customer.anonymous("visitor-1"), text, null, attributes);
    return new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "t"),
        new Intent("opening_hours", 0.95, null, "t"), List.of(),
        new ProposedReply("We're open Monday to Saturday, 9am to 5pm.", "faq:hours"));
  }

  @Test
  void thePressedControlHandsTheConversationToAPersonWithItsOwnRule() {
    var o = f.engine.onEvent(null,
        message("ev-1", "Bitte mit einem Menschen", Map.of(ConversationEvent.PERSON_REQUESTED, "true")), T0);

    HandoffRecord h = o.handoff().orElseThrow();
    assertEquals(HandoffReason.EXPLICIT_REQUEST, h.reason());
    assertEquals("explicit-request-control", h.audit().rule());
    assertEquals(Owner.QUEUED, o.state().owner());
    assertTrue(o.messages().stream().noneMatch(m -> "faq:hours".equals(m.reason())), "the bot does not answer");
  }

  @Test
  void withoutTheAttributeOrWithAnotherValueTheBotAnswers() {
    for (Map<String, String> attributes : List.of(Map.<String, String>of(),
        Map.of(ConversationEvent.PERSON_REQUESTED, "false"))) {
      var o = f.engine.onEvent(null, message("ev-2", "when are you open", attributes), T0);
      assertTrue(o.handoff().isEmpty(), attributes.toString());
      assertEquals("faq:hours", o.messages().get(o.messages().size() - 1).reason());
    }
  }
}
