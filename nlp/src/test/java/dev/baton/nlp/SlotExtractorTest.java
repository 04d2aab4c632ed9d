package dev.baton.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Slot;
import dev.baton.schemas.Slot.SlotType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  @Test
  void trackingCodesAfterAKeywordAndHashPrefixedOrders() {
    List<Slot> s = slots.extract("tracking no: JD0146000038, and the other one was #A1234567");
    assertTrue(s.contains(new Slot(SlotType.ORDER_NUMBER, "JD0146000038")), s.toString());
    assertTrue(s.contains(new Slot(SlotType.ORDER_NUMBER, "A1234567")), s.toString());
    List<Slot> none = slots.extract("I ordered 3 items on the order page");
    assertTrue(none.stream().noneMatch(x -> x.type() == SlotType.ORDER_NUMBER), none.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "4242 4242 4242 4242", "4242424242424242", "5555-5555-5555-4444", "378282246310005",
      "[card ending 4242]"})
  void aCardNumberIsNeverAPhoneOrAnOrderNumber(String card) {
    for (String text : List.of(
        "my card is " + card,
        "please charge " + card + " for it",
        "order number is " + card,
        "reference: " + card + " thanks",
        card)) {
      List<Slot> s = slots.extract(text);
      assertTrue(s.stream().noneMatch(x -> x.type() == SlotType.PHONE || x.type() == SlotType.ORDER_NUMBER),
          text + " -> " + s);
      assertTrue(s.stream().noneMatch(x -> x.value().matches(".*\\d{4}.*") && card.contains(x.value())),
          text + " -> " + s);
    }
  }

  @Test
  void theRealOrderAndPhoneNextToACardAreStillFound() {
    List<Slot> s = slots.extract(
        "Order ORD-123456 was charged to 4242 4242 4242 4242, call me on +44 7700 900123");
    assertTrue(s.contains(new Slot(SlotType.ORDER_NUMBER, "ORD-123456")), s.toString());
    assertTrue(s.contains(new Slot(SlotType.PHONE, "+447700900123")), s.toString());
    assertEquals(2, s.size(), s.toString());
    assertFalse(s.toString().contains("4242"), s.toString());
  }
}
