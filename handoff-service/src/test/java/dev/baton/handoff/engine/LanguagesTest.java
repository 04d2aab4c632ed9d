package dev.baton.handoff.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.Choice;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DetectedLanguage;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Intent;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Owner;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import dev.baton.tenant.TenantDirectory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The conversation's language on the pure engine: a tenant that answers in English and German,
 * with an agent who speaks French.
 */
class LanguagesTest {
  private static final Instant T0 = EngineFixture.T0;
  private static final String YAML =
      """
      version: "7"
      tenants:
        - id: kiosk
          name: Kiosk
          timezone: UTC
          webhookSecretEnv: S
          languages: [en, de]
          skills: {default: general}
          escalation: {confidenceThreshold: 0.5}
          faq:
            - id: opening-hours
              intent: opening_hours
              examples: [when are you open, wann haben Sie geöffnet]
              answer: We're open 8am to 6pm.
              answers: {de: Wir haben von 8 bis 18 Uhr geöffnet.}
            - id: confirm-appointment
              intent: confirm_appointment
              examples: [I can make it tomorrow]
              answer: Your appointment is confirmed.
              answers: {de: Ihr Termin ist bestätigt.}
              choices:
                - {id: done, title: "That's all, thanks", titles: {de: "Das wäre alles"}}
                - {id: reschedule, title: Reschedule}
          templates:
            translations:
              de:
                assistantIntro: Hallo, ich bin der virtuelle Assistent von {name}.
                clarifyingQuestion: Entschuldigung, das habe ich nicht verstanden. Können Sie es anders sagen?
                handoffNotice: Ich verbinde Sie mit einer Kollegin.
          agents:
            - {id: bob, name: Bob, skills: [general]}
            - {id: lea, name: Léa, skills: [general, "lang:fr"]}
      """;
  private static final TenantDirectory TENANTS = TenantDirectory.parse(
      new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)), "test", Map.of("S", "s")::get);

  private final ConversationEngine engine = new ConversationEngine(TENANTS);
  private int seq;

  /** A customer message as routing leaves it: intent, language and, for an FAQ, the proposed answer. */
  private EnrichedEvent says(String text, String language, String intent, double confidence, ProposedReply reply) {
    ConversationEvent e = new ConversationEvent(SchemaVersions.CURRENT, "ev-" + (++seq), EventType.CUSTOMER_MESSAGE,
        "kiosk", "c-1", Channel.WHATSAPP, T0, new Customer("cust-1", "Ana", null, null), text, null, Map.of());
    return new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "t"),
        new Intent(intent, confidence, null, "t"), List.of(), reply,
        new DetectedLanguage(language, DetectedLanguage.UNKNOWN.equals(language) ? 0.011 : 0.03, "t"));
  }

  private static String onlyText(Outcome o) {
    List<OutboundMessage> m = o.messages();
    assertEquals(1, m.size(), m.toString());
    return m.get(0).text();
  }

  @Test
  void aSupportedLanguageIsAnsweredInIt() {
    Outcome o = engine.onEvent(null, says("Wann haben Sie am Samstag geöffnet?", "de", "opening_hours", 0.9,
        new ProposedReply("Wir haben von 8 bis 18 Uhr geöffnet.", "faq:opening-hours")), T0);

    assertEquals("de", o.state().language());
    assertEquals(Owner.BOT, o.state().owner());
    assertEquals("Hallo, ich bin der virtuelle Assistent von Kiosk. Wir haben von 8 bis 18 Uhr geöffnet.", onlyText(o));
  }

  @Test
  void aShortMessageKeepsTheLanguageAndIsAnsweredInIt() {
    ConversationState german = engine.onEvent(null, says("Ich habe eine Frage zu meinem Termin.", "de", "oos", 0.1,
        null), T0).state();

    // Routing proposes the default answer for a message it cannot tell the language of.
    Outcome o = engine.onEvent(german, says("Öffnungszeiten?", DetectedLanguage.UNKNOWN, "opening_hours", 0.9,
        new ProposedReply("We're open 8am to 6pm.", "faq:opening-hours")), T0.plusSeconds(5));

    assertEquals("de", o.state().language(), "an unknown detection does not change it");
    assertEquals("Wir haben von 8 bis 18 Uhr geöffnet.", onlyText(o));
    Outcome ok = engine.onEvent(o.state(), says("ok", DetectedLanguage.UNKNOWN, "oos", 0.1, null), T0.plusSeconds(9));
    assertEquals("de", ok.state().language());
    assertEquals("Entschuldigung, das habe ich nicht verstanden. Können Sie es anders sagen?", onlyText(ok));
  }

  @Test
  void anAnswerOffersTheTenantsChoicesTitledInTheConversationsLanguage() {
    Outcome english = engine.onEvent(null, says("I can make it tomorrow", "en", "confirm_appointment", 0.9,
        new ProposedReply("Your appointment is confirmed.", "faq:confirm-appointment")), T0);
    Outcome german = engine.onEvent(null, says("Ich kann morgen kommen", "de", "confirm_appointment", 0.9,
        new ProposedReply("Ihr Termin ist bestätigt.", "faq:confirm-appointment")), T0);
    Outcome other = engine.onEvent(null, says("When are you open?", "en", "opening_hours", 0.9,
        new ProposedReply("We're open 8am to 6pm.", "faq:opening-hours")), T0);

    assertEquals(List.of(new Choice("done", "That's all, thanks"), new Choice("reschedule", "Reschedule")),
        english.messages().get(0).choices());
    assertEquals(List.of(new Choice("done", "Das wäre alles"), new Choice("reschedule", "Reschedule")),
        german.messages().get(0).choices(), "an untranslated title stays in the default language");
    assertNull(other.messages().get(0).choices(), "an answer without choices offers none");
  }

  @Test
  void aConfidentDetectionChangesTheLanguage() {
    ConversationState german = engine.onEvent(null, says("Ich habe eine Frage zu meinem Termin.", "de", "oos", 0.1,
        null), T0).state();

    Outcome o = engine.onEvent(german, says("Sorry, what are your opening hours on Saturday?", "en", "opening_hours",
        0.9, new ProposedReply("We're open 8am to 6pm.", "faq:opening-hours")), T0.plusSeconds(5));

    assertEquals("en", o.state().language());
    assertEquals(Owner.BOT, o.state().owner());
    assertEquals("We're open 8am to 6pm.", onlyText(o));
  }

  @Test
  void anUnsupportedLanguageIsToldAndHandedToAnAgentWhoSpeaksIt() {
    Outcome o = engine.onEvent(null, says("Bonjour, mon colis est indiqué comme livré mais je n'ai rien reçu.", "fr",
        "track_order", 0.8, null), T0);

    assertEquals(Owner.QUEUED, o.state().owner());
    HandoffRecord h = o.handoff().orElseThrow();
    assertEquals(HandoffReason.UNSUPPORTED_LANGUAGE, h.reason());
    assertEquals("fr", h.language());
    assertEquals("lang:fr", h.skill(), "Léa declares lang:fr");
    assertEquals("lang:fr", o.state().skill());
    assertEquals("language-not-supported", h.audit().rule());
    assertEquals("fr @ 0.0300", h.audit().observed());
    assertEquals("tenant languages [en, de]", h.audit().threshold());
    assertEquals("7", h.audit().ruleVersion());
    assertTrue(h.summary().contains("Writes in: fr."), h.summary());
    assertTrue(h.summary().startsWith("Wants: unclear"), "a French message's intent means nothing: " + h.summary());
    String told = onlyText(o);
    assertTrue(told.endsWith("Sorry, I can't answer in your language myself. I'm passing you to a colleague who can"
        + " help you; they can see our conversation so far."), told);
    assertEquals("handoff-notice:language-not-supported", o.messages().get(0).reason());
    assertTrue(TENANTS.find("kiosk").orElseThrow().agent("lea").orElseThrow().works(h.skill()));
    assertTrue(!TENANTS.find("kiosk").orElseThrow().agent("bob").orElseThrow().works(h.skill()));
  }

  @Test
  void anUnsupportedLanguageNobodyDeclaresGoesToTheUsualQueueWithTheLanguageOnTheRecord() {
    Outcome o = engine.onEvent(null, says("Dov'è il mio ordine? L'ho fatto lunedì scorso.", "it", "track_order", 0.9,
        null), T0);

    HandoffRecord h = o.handoff().orElseThrow();
    assertEquals(HandoffReason.UNSUPPORTED_LANGUAGE, h.reason());
    assertEquals("it", h.language());
    assertEquals("general", h.skill(), "no agent declares lang:it, and the intent of Italian text is not used");
  }

  @Test
  void aShortReplyInAnUnsupportedConversationStillGoesToAPerson() {
    ConversationState french = engine.onEvent(null, says("Bonjour, j'ai une question sur ma facture.", "fr", "oos",
        0.1, null), T0).state();
    ConversationState handedBack = french.toBuilder().owner(Owner.BOT).episode(2).openHandoffId(null)
        .openHandoff(null).skill(null).build();

    Outcome o = engine.onEvent(handedBack, says("merci", DetectedLanguage.UNKNOWN, "thanks", 0.9, null),
        T0.plusSeconds(60));

    assertEquals("fr", o.state().language());
    HandoffRecord h = o.handoff().orElseThrow();
    assertEquals(HandoffReason.UNSUPPORTED_LANGUAGE, h.reason());
    assertEquals("fr (the conversation's, from earlier messages)", h.audit().observed());
  }

  @Test
  void aHandoffOfASupportedSecondLanguageCarriesItAndKeepsTheIntentsQueue() {
    ConversationState german = engine.onEvent(null, says("Ich habe eine Frage zu meinem Termin.", "de", "oos", 0.1,
        null), T0).state();

    Outcome o = engine.onEvent(german, says("Ich möchte mit einem Menschen sprechen.", "de", "contact_human_agent",
        0.9, null), T0.plusSeconds(5));

    HandoffRecord h = o.handoff().orElseThrow();
    assertEquals(HandoffReason.EXPLICIT_REQUEST, h.reason());
    assertEquals("de", h.language());
    assertEquals("general", h.skill(), "nobody declares lang:de: the usual queue");
    assertEquals("Ich verbinde Sie mit einer Kollegin.", onlyText(o));
  }

  @Test
  void eventsWithoutALanguageLeaveTheConversationInTheDefault() {
    EngineFixture f = new EngineFixture();
    Outcome o = f.engine.onEvent(null, f.says("What are your opening hours?", "opening_hours", 0.9), T0);

    assertNull(o.state().language());
    assertTrue(o.handoff().isEmpty());
  }
}
