package dev.baton.handoff.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EnrichedEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Who the customer is rides on a conversation's first published turn and on the first after it
 * changed, so the gateway can list every conversation of a customer, the bot's alone included.
 */
class TurnCustomerTest {
  private final EngineFixture f = new EngineFixture();

  @Test
  void theFirstTurnNamesTheCustomerAndLaterOnesOnlyWhenTheyChange() {
    Outcome first = f.engine.onEvent(null, f.says("when are you open", "opening_hours", 0.9), EngineFixture.T0);
    List<ConversationTurn> turns = first.turns();
    assertTrue(turns.size() >= 2, turns.toString());
    assertEquals("+447700900123", turns.get(0).customer().phone());
    assertTrue(turns.subList(1, turns.size()).stream().allMatch(t -> t.customer() == null), turns.toString());

    Outcome same = f.engine.onEvent(first.state(), f.says("when are you open", "opening_hours", 0.9),
        EngineFixture.T0.plusSeconds(5));
    assertTrue(same.turns().stream().allMatch(t -> t.customer() == null), "nothing new about them");

    EnrichedEvent withEmail = f.says("and my email is ana@example.com", "opening_hours", 0.9);
    ConversationEvent e = withEmail.event();
    EnrichedEvent learned = new EnrichedEvent(withEmail.schemaVersion(), new ConversationEvent(e.schemaVersion(),
        e.eventId(), e.type(), e.tenantId(), e.conversationId(), e.channel(), e.occurredAt(),
        new Customer("cust-1", "Ana", "+447700900123", "ana@example.com"), e.text(), e.agentId(), e.attributes()),
        withEmail.sentiment(), withEmail.intent(), withEmail.slots(), withEmail.proposedReply(), withEmail.language());
    Outcome changed = f.engine.onEvent(same.state(), learned, EngineFixture.T0.plusSeconds(9));
    assertEquals("ana@example.com", changed.turns().get(0).customer().email());
    assertTrue(changed.turns().subList(1, changed.turns().size()).stream().allMatch(t -> t.customer() == null));
  }
}
