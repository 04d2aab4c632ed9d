package dev.baton.handoff.engine;

import static dev.baton.handoff.engine.EngineFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Complaint;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Owner;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.Sentiment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The complaint rule: a complaint score at or above the tenant's threshold (0.6 by default)
 * escalates with reason COMPLAINT even when sentiment and anger stay under theirs; half the
 * threshold is enough when the customer raises again the intent the bot just answered.
 */
class ComplaintTriggerTest {
  private final EngineFixture f = new EngineFixture();

  /** A message the bot could answer, with a mild sentiment and the given complaint signal. */
  private EnrichedEvent says(String text, String intent, Complaint complaint) {
    EnrichedEvent e = f.says(text, intent, 0.9);
    Sentiment mild = new Sentiment("negative", -0.3, Map.of("anger", 0.4), "t", complaint);
    return new EnrichedEvent(e.schemaVersion(), e.event(), mild, e.intent(), e.slots(),
        new ProposedReply("Your parcel is on its way.", "faq:tracking"));
  }

  @Test
  void aComplaintEscalatesWithItsOwnRuleAndTheObservedScore() {
    var o = f.engine.onEvent(null, says("great, another delay. thanks for nothing", "track_order", new Complaint(0.85, true)), T0);

    HandoffRecord h = o.handoff().orElseThrow();
    assertEquals(HandoffReason.COMPLAINT, h.reason());
    assertEquals("complaint", h.audit().rule());
    assertEquals("complaint 0.85, sarcasm", h.audit().observed());
    assertEquals("complaint >= 0.60", h.audit().threshold());
    assertEquals(2, h.priority());
    assertEquals(Owner.QUEUED, o.state().owner());
  }

  @Test
  void aScoreUnderTheThresholdLetsTheBotAnswer() {
    var o = f.engine.onEvent(null, says("where is my parcel? ordered on monday", "track_order", new Complaint(0.4, false)), T0);

    assertTrue(o.handoff().isEmpty());
    assertEquals(Owner.BOT, o.state().owner());
    assertEquals("faq:tracking", o.messages().get(o.messages().size() - 1).reason());
  }

  @Test
  void eventsScoredBeforeTheComplaintSignalExistedNeverFireIt() {
    var o = f.engine.onEvent(null, says("where is my parcel", "track_order", null), T0);

    assertTrue(o.handoff().isEmpty());
  }

  @Test
  void theSameIntentAgainAfterTheBotAnsweredNeedsOnlyHalfTheThreshold() {
    ConversationState first = f.engine.onEvent(null, says("where is my parcel", "track_order", new Complaint(0.35, false)), T0).state();
    assertEquals(Owner.BOT, first.owner());

    var again = f.engine.onEvent(first, says("it still says in transit, where is it", "track_order", new Complaint(0.35, false)),
        T0.plusSeconds(60));

    HandoffRecord h = again.handoff().orElseThrow();
    assertEquals(HandoffReason.COMPLAINT, h.reason());
    assertEquals("complaint-repeated-contact", h.audit().rule());
    assertTrue(h.audit().observed().contains("track_order raised again"), h.audit().observed());
    assertEquals("complaint >= 0.30 on a repeated intent", h.audit().threshold());
  }

  @Test
  void aNewIntentOrACalmFollowUpIsNotRepeatedContact() {
    ConversationState first = f.engine.onEvent(null, says("where is my parcel", "track_order", new Complaint(0.35, false)), T0).state();

    var other = f.engine.onEvent(first, says("and can I change the address", "change_shipping_address", new Complaint(0.35, false)),
        T0.plusSeconds(60));
    assertTrue(other.handoff().isEmpty());
    var calm = f.engine.onEvent(other.state(), says("and can I change the address to my office", "change_shipping_address",
        new Complaint(0.1, false)), T0.plusSeconds(120));
    assertTrue(calm.handoff().isEmpty());
  }

  @Test
  void aFollowUpInheritsTheIntentAndIsNotRepeatedContact() {
    ConversationState first = f.engine.onEvent(null, says("where is my parcel", "track_order", new Complaint(0.35, false)), T0).state();
    EnrichedEvent e = says("and on sunday?", "track_order", new Complaint(0.35, false));
    EnrichedEvent followUp = new EnrichedEvent(e.schemaVersion(), e.event(), e.sentiment(),
        new dev.baton.schemas.Intent("track_order", 0.9, null, "follow-up(t)"), e.slots(), e.proposedReply());

    assertTrue(f.engine.onEvent(first, followUp, T0.plusSeconds(60)).handoff().isEmpty());
  }

  @Test
  void aTenantThresholdApplies() {
    String yaml = EngineFixture.YAML.replace("escalation: {confidenceThreshold: 0.5}",
        "escalation: {confidenceThreshold: 0.5, complaintThreshold: 0.9}");
    ConversationEngine strict = new ConversationEngine(dev.baton.tenant.TenantDirectory.parse(
        new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "test",
        Map.of("S", "s", "T", "t")::get));

    assertTrue(strict.onEvent(null, says("late again", "track_order", new Complaint(0.85, false)), T0).handoff().isEmpty());
    assertEquals("complaint >= 0.90", strict.onEvent(null, says("late again!", "track_order", new Complaint(0.95, false)), T0)
        .handoff().orElseThrow().audit().threshold());
  }
}
