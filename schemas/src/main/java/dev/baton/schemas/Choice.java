package dev.baton.schemas;

import java.util.Objects;

/**
 * One answer the customer can pick with a tap instead of typing it (a WhatsApp reply button or
 * list row, a web-chat button). A picked choice comes back as a customer message whose text is the
 * title and whose attribute {@code choice.id} is the id.
 *
 * @param id stable id, returned by the provider when the customer taps it
 * @param title what the customer sees and, when tapped, what they say
 */
public record Choice(String id, String title) {
  public Choice {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
  }
}
