package dev.baton.tenant;

import dev.baton.schemas.Choice;
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
 * @param choices what the customer may answer next with a tap (at most {@value #MAX_CHOICES})
 */
public record FaqEntry(String id, String intent, List<String> examples, String answer, Map<String, String> answers,
    List<FaqChoice> choices) {
  /** WhatsApp's limit: three reply buttons on one message. */
  public static final int MAX_CHOICES = 3;
  /** WhatsApp's limit on a reply button's title, in characters. */
  public static final int MAX_CHOICE_TITLE = 20;

  public FaqEntry {
    examples = List.copyOf(examples);
    answers = answers == null ? Map.of() : Map.copyOf(answers);
    choices = choices == null ? List.of() : List.copyOf(choices);
  }

  public FaqEntry(String id, String intent, List<String> examples, String answer, Map<String, String> answers) {
    this(id, intent, examples, answer, answers, List.of());
  }

  /** An entry answered in the tenant's default language only. */
  public FaqEntry(String id, String intent, List<String> examples, String answer) {
    this(id, intent, examples, answer, Map.of());
  }

  /** The choices as the customer sees them in {@code language} (the default language's when untranslated). */
  public List<Choice> choicesIn(String language) {
    return choices.stream().map(c -> new Choice(c.id(), c.titleIn(language))).toList();
  }

  /**
   * A choice offered with the answer.
   *
   * @param id returned by the provider when tapped (kept as the message's {@code choice.id})
   * @param title the title in the tenant's default language
   * @param titles the title in its other languages, by ISO 639-1 code
   */
  public record FaqChoice(String id, String title, Map<String, String> titles) {
    public FaqChoice {
      titles = titles == null ? Map.of() : Map.copyOf(titles);
    }

    public String titleIn(String language) {
      return language == null ? title : titles.getOrDefault(language, title);
    }
  }

  /** The answer in {@code language}, or the default language's when there is none in it (or no language). */
  public String answerIn(String language) {
    return language == null ? answer : answers.getOrDefault(language, answer);
  }
}
