package dev.baton.tenant;

import java.util.List;

/**
 * A question the bot answers itself.
 *
 * @param id stable id, recorded as the reason of each reply ({@code faq:<id>})
 * @param intent the intent that this entry answers
 * @param examples ways customers ask it, used to recognise the intent
 * @param answer the tenant's answer
 */
public record FaqEntry(String id, String intent, List<String> examples, String answer) {
  public FaqEntry {
    examples = List.copyOf(examples);
  }
}
