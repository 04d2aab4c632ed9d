package dev.baton.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Slot;
import dev.baton.schemas.Slot.SlotType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaselineModelsTest {

  private final IntentClassifier intents =
      new ExampleIntentClassifier(
          "test",
          Map.of(
              "opening_hours", List.of("what are your opening hours", "when are you open"),
              "contact_human_agent", BuiltinIntents.EXAMPLES.get("contact_human_agent")));

  @Test
  void faqQuestionMatchesItsIntentWithHighConfidence() {
    IntentScore s = intents.classify("What are your opening hours?");
    assertEquals("opening_hours", s.label());
    assertTrue(s.confidence() > 0.9, "confidence " + s.confidence());
  }

  @Test
  void askingForAPersonIsRecognised() {
    assertEquals("contact_human_agent", intents.classify("I want to speak to someone").label());
  }

  @Test
  void unrelatedTextHasLowConfidence() {
    assertTrue(intents.classify("what's the weather on Mars").confidence() < 0.4);
  }

  @Test
  void negationTurnsPraiseNegative() {
    LexiconSentimentAnalyzer a = new LexiconSentimentAnalyzer();
    assertEquals("negative", a.analyze("I am not happy at all").label());
    assertEquals("positive", a.analyze("Great, thanks a lot!").label());
    SentimentScore angry = a.analyze("This is ridiculous, my parcel is late again!!");
    assertEquals("negative", angry.label());
    assertTrue(angry.emotions().getOrDefault("anger", 0.0) > 0.5);
  }

  @Test
  void slotsAreExtractedByType() {
    List<Slot> slots =
        new SlotExtractor()
            .extract("Order ORD-123456 never came, email me at ana@example.com or call +44 7700 900123 tomorrow at 3pm");
    assertTrue(slots.contains(new Slot(SlotType.ORDER_NUMBER, "ORD-123456")), slots.toString());
    assertTrue(slots.contains(new Slot(SlotType.EMAIL, "ana@example.com")), slots.toString());
    assertTrue(slots.contains(new Slot(SlotType.PHONE, "+447700900123")), slots.toString());
    assertTrue(slots.contains(new Slot(SlotType.DATE, "tomorrow")), slots.toString());
    assertTrue(slots.contains(new Slot(SlotType.TIME, "3pm")), slots.toString());
  }
}
