package dev.baton.nlp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Slot;
import dev.baton.schemas.Slot.SlotType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotExtractorTest {
  private final SlotExtractor slots = new SlotExtractor();

  @Test
  void slotsAreExtractedByType() {
    List<Slot> s = slots.extract(
        "Order ORD-123456 never came, email me at ana@example.com or call +44 7700 900123 tomorrow at 3pm");
    assertTrue(s.contains(new Slot(SlotType.ORDER_NUMBER, "ORD-123456")), s.toString());
    assertTrue(s.contains(new Slot(SlotType.EMAIL, "ana@example.com")), s.toString());
    assertTrue(s.contains(new Slot(SlotType.PHONE, "+447700900123")), s.toString());
    assertTrue(s.contains(new Slot(SlotType.DATE, "tomorrow")), s.toString());
    assertTrue(s.contains(new Slot(SlotType.TIME, "3pm")), s.toString());
  }

  @Test
  void moreDateTimeAndOrderForms() {
    List<Slot> s = slots.extract("my order number is 88812345, can you deliver on 12 March at 14:30 or 2025-03-14?");
    assertTrue(s.contains(new Slot(SlotType.ORDER_NUMBER, "88812345")), s.toString());
    assertTrue(s.contains(new Slot(SlotType.DATE, "12 March")), s.toString());
    assertTrue(s.contains(new Slot(SlotType.DATE, "2025-03-14")), s.toString());
    assertTrue(s.contains(new Slot(SlotType.TIME, "14:30")), s.toString());
    assertTrue(slots.extract("").isEmpty());
  }
}
