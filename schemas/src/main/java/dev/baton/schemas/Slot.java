package dev.baton.schemas;

/** A piece of data extracted from what the customer wrote. */
public record Slot(SlotType type, String value) {

  public enum SlotType {
    ORDER_NUMBER,
    DATE,
    TIME,
    EMAIL,
    PHONE
  }
}
