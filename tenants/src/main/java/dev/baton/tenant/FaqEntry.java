package dev.baton.tenant;

import java.util.List;
import java.util.Map;

/**
 * A question the bot answers itself.
 *
 * @param id stable id, recorded as the reason of each reply ({@code faq:<id>})
 * @param intent the intent that this entry answers
 * @param examples ways customers ask it, used to recognise the intent (in any of the tenant's
 *     languages: one list for all of them)
 * @param answer the tenant's answer, in its default language
 * @param answers the answer in the tenant's other languages, by ISO 639-1 code
 */
public record FaqEntry(String id, String intent, List<String> examples, String answer, Map<String, String> answers) {
  public FaqEntry {
    examples = List.copyOf(examples);
    answers = answers == null ? Map.of() : Map.copyOf(answers);
  }

  /** An entry answered in the tenant's default language only. */
  public FaqEntry(String id, String intent, List<String> examples, String answer) {
    this(id, intent, examples, answer, Map.of());
  }

  /** The answer in {@code language}, or the default language's when there is none in it (or no language). */
  public String answerIn(String language) {
    return language == null ? answer : answers.getOrDefault(language, answer);
  }
}
