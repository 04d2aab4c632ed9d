package dev.baton.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import dev.baton.schemas.Choice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tenant's languages, per-language FAQ answers and templates, and their validation. */
class TenantLanguagesTest {

  private static TenantDirectory parse(String yaml) {
    return TenantDirectory.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml",
        Map.of("S", "x")::get);
  }

  private static final String BILINGUAL =
      """
      tenants:
        - id: t1
          webhookSecretEnv: S
          languages: [en, de]
          faq:
            - id: hours
              examples: [when are you open, wann haben Sie geöffnet]
              answer: We are open 9 to 5.
              answers: {de: Wir haben von 9 bis 17 Uhr geöffnet.}
            - id: parking
              examples: [where can I park]
              answer: Behind the building.
          templates:
            fallback: Sorry, I can't help with that.
            translations:
              de:
                fallback: Das kann ich leider nicht selbst beantworten.
                languageNotSupported: Das gibt es nicht auf Deutsch.
      """;

  @Test
  void aTenantWithoutLanguagesAnswersInEnglish() {
    TenantConfig t = parse("tenants:\n  - id: t1\n    webhookSecretEnv: S\n").find("t1").orElseThrow();

    assertEquals(List.of("en"), t.languages().codes());
    assertEquals("en", t.languages().defaultLanguage());
    assertFalse(t.languages().supports("de"));
    assertEquals(Templates.DEFAULTS, t.templatesIn("de"));
    assertTrue(Templates.DEFAULTS.languageNotSupported().contains("colleague"));
  }

  @Test
  void answersAndTemplatesComeInTheCustomersLanguageFallingBackToTheDefault() {
    TenantDirectory dir = parse(BILINGUAL);
    TenantConfig t = dir.find("t1").orElseThrow();

    assertEquals("de", t.languages().codes().get(1));
    assertTrue(t.languages().supports("de"));
    FaqEntry hours = t.faq().get(0);
    assertEquals("Wir haben von 9 bis 17 Uhr geöffnet.", hours.answerIn("de"));
    assertEquals("We are open 9 to 5.", hours.answerIn("en"));
    assertEquals("We are open 9 to 5.", hours.answerIn(null));
    assertEquals("Behind the building.", t.faq().get(1).answerIn("de"), "untranslated: the default answer");
    assertTrue(dir.warnings().stream().anyMatch(w -> w.startsWith("tenants[0].faq[1].answers: no 'de' answer")),
        dir.warnings().toString());

    assertEquals("Das kann ich leider nicht selbst beantworten.", t.templatesIn("de").fallback());
    assertEquals("Das gibt es nicht auf Deutsch.", t.templatesIn("de").languageNotSupported());
    assertEquals(Templates.DEFAULTS.handoffNotice(), t.templatesIn("de").handoffNotice(), "untranslated template");
    assertEquals("Sorry, I can't help with that.", t.templatesIn("en").fallback());
    assertEquals("Sorry, I can't help with that.", t.templatesIn("fr").fallback(), "unsupported: the default's");
  }

  @Test
  void badLanguagesAreReportedWithTheirPath() {
    String yaml =
        """
        tenants:
          - id: t1
            webhookSecretEnv: S
            languages: [en, German, en]
            faq:
              - id: hours
                examples: [when are you open]
                answer: 9 to 5
                answers: {fr: 9 à 17 h, en: 9 to 5}
            templates:
              translations:
                it: {fallback: Scusi}
                de: {fallbak: typo}
          - id: t2
            webhookSecretEnv: S
            languages: []
        """;

    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse(yaml));

    List<String> p = e.problems();
    assertTrue(p.contains("tenants[0].languages: 'German' is not a two-letter ISO 639-1 code (en, de, fr, ...)"), p.toString());
    assertTrue(p.contains("tenants[0].languages: 'en' is listed twice"), p.toString());
    assertTrue(p.contains("tenants[0].faq[0].answers.fr: 'fr' is not one of the tenant's languages [en]"), p.toString());
    assertTrue(p.contains("tenants[0].faq[0].answers.en: 'en' is the default language; its text goes in the field itself"),
        p.toString());
    assertTrue(p.contains("tenants[0].templates.translations.it: 'it' is not one of the tenant's languages [en]"),
        p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("tenants[0].templates.translations.de: 'de' is not one")), p.toString());
    assertTrue(p.contains("tenants[1].languages: must list at least one language (the first is the default)"),
        p.toString());
  }

  @Test
  void badChoicesAreReportedWithTheirPath() {
    String yaml =
        """
        tenants:
          - id: t1
            webhookSecretEnv: S
            languages: [en, de]
            faq:
              - id: hours
                examples: [when are you open]
                answer: 9 to 5
                choices:
                  - {id: a, title: This title is far too long for a button}
                  - {id: a, title: Again, titles: {fr: Encore}}
                  - {id: b, title: ""}
                  - {id: c, title: C, colour: red}
              - id: where
                examples: [where are you]
                answer: High Street
                choices: {id: x, title: X}
        """;

    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse(yaml));

    List<String> p = e.problems();
    assertTrue(p.contains("tenants[0].faq[0].choices: at most 3 choices (WhatsApp shows at most three reply buttons)"),
        p.toString());
    assertTrue(p.contains("tenants[0].faq[0].choices[0].title: 1 to 20 characters (a WhatsApp reply button's limit)"),
        p.toString());
    assertTrue(p.contains("tenants[0].faq[0].choices[1].id: duplicate choice id 'a'"), p.toString());
    assertTrue(p.contains("tenants[0].faq[0].choices[1].titles.fr: 'fr' is not one of the tenant's languages [en, de]"),
        p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("tenants[0].faq[0].choices[2].title: ")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("tenants[0].faq[0].choices[3].colour: unknown field")), p.toString());
    assertTrue(p.contains("tenants[0].faq[1].choices: must be a list of {id, title, titles}"), p.toString());
  }

  @Test
  void theDentalPracticeOffersChoicesWithItsConfirmation() {
    TenantConfig dental = TenantDirectory.load(java.nio.file.Path.of("../deploy/tenants.yaml"), k -> null)
        .find("demo-dental").orElseThrow();

    FaqEntry confirm = dental.faq().stream().filter(f -> f.id().equals("confirm-appointment")).findFirst().orElseThrow();
    assertEquals(List.of("done", "reschedule"), confirm.choicesIn("en").stream().map(Choice::id).toList());
  }

  @Test
  void anUnknownTemplateInATranslationIsNamed() {
    String yaml = BILINGUAL.replace("fallback: Das kann", "fallbak: Das kann");

    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse(yaml));

    assertTrue(e.problems().stream().anyMatch(s -> s.startsWith("tenants[0].templates.translations.de.fallbak: unknown field")),
        e.problems().toString());
  }

  @Test
  void theShippedParcelsTenantAnswersInGermanAndHasAFrenchSpeakingAgent() {
    TenantDirectory dir = TenantDirectory.load(java.nio.file.Path.of("../deploy/tenants.yaml"), k -> null);
    TenantConfig parcels = dir.find("demo-parcels").orElseThrow();

    assertEquals(List.of("en", "de"), parcels.languages().codes());
    assertTrue(parcels.faq().stream().allMatch(f -> f.answers().containsKey("de")), "every FAQ is translated");
    assertTrue(parcels.templatesIn("de").handoffNotice().startsWith("Ich verbinde Sie"));
    assertTrue(parcels.agent("marc").orElseThrow().works(Languages.skill("fr")));
    assertTrue(dir.warnings().stream().noneMatch(w -> w.contains(".answers")), dir.warnings().toString());
  }

  @Test
  void anAgentDeclaresALanguageAsASkill() {
    Agent agent = new Agent("lea", "Léa", null, Agent.AGENT, List.of("billing", Languages.skill("fr")), 3);

    assertEquals("lang:fr", Languages.skill("fr"));
    assertTrue(agent.works("lang:fr"));
    assertFalse(agent.works("lang:de"));
  }
}
