package dev.baton.tenant;

import java.util.List;
import java.util.Map;

/**
 * The languages a tenant's bot answers in, as ISO 639-1 codes. The first is the tenant's default:
 * its FAQ {@code answer}s and its {@code templates} are written in it. A customer who writes in
 * another listed language gets the FAQ entry's {@code answers.<code>} and the templates'
 * {@code translations.<code>} (each falling back to the default language's text where the tenant
 * gave none); one who writes in an unlisted language is told so ({@code languageNotSupported})
 * and handed to a person.
 *
 * @param codes the languages, default first; never empty
 * @param templates the templates of each non-default language, complete (a text the tenant did not
 *     translate is the default language's)
 */
public record Languages(List<String> codes, Map<String, Templates> templates) {
  public static final Languages DEFAULTS = new Languages(List.of("en"), Map.of());
  /** An agent who speaks a language lists {@code lang:<code>} among their skills ({@code lang:fr}). */
  public static final String SKILL_PREFIX = "lang:";

  /** The queue (agent skill) of conversations in {@code code}: {@code lang:<code>}. */
  public static String skill(String code) {
    return SKILL_PREFIX + code;
  }

  public Languages {
    if (codes == null || codes.isEmpty()) {
      throw new IllegalArgumentException("a tenant has at least one language");
    }
    codes = List.copyOf(codes);
    templates = templates == null ? Map.of() : Map.copyOf(templates);
  }

  /** The language of the tenant's {@code answer}s and {@code templates}. */
  public String defaultLanguage() {
    return codes.get(0);
  }

  public boolean supports(String code) {
    return code != null && codes.contains(code);
  }

  /** The templates in {@code code}, or {@code base} (the default language's) when it has none. */
  public Templates templatesIn(String code, Templates base) {
    return code == null ? base : templates.getOrDefault(code, base);
  }
}
