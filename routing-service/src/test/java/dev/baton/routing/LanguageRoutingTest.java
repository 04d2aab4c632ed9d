package dev.baton.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.baton.routing.config.RoutingConfig;
import dev.baton.routing.service.IntentRouter;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.DetectedLanguage;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.tenant.TenantDirectory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The router on a bilingual tenant (English, German): the FAQ answer comes in the customer's language. */
class LanguageRoutingTest {
  private static final String YAML =
      """
      tenants:
        - id: kiosk
          webhookSecretEnv: S
          languages: [en, de]
          faq:
            - id: opening-hours
              intent: opening_hours
              examples:
                - what are your opening hours
                - when are you open on saturday
                - wann haben Sie geöffnet
                - wie sind Ihre Öffnungszeiten
                - haben Sie am Samstag offen
              answer: We're open 8am to 6pm, Monday to Saturday.
              answers: {de: Wir haben Montag bis Samstag von 8 bis 18 Uhr geöffnet.}
      """;

  private static IntentRouter router;

  @BeforeAll
  static void buildTheTenantsClassifier() {
    TenantDirectory tenants = TenantDirectory.parse(new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)),
        "test", Map.of("S", "s")::get);
    router = new IntentRouter(tenants, new RoutingConfig() {
      public String feedbackFile() { return "unused.csv"; }
      public Optional<String> modelFile() { return Optional.empty(); }
      public String intentEncoder() { return "none"; }
      public Duration modelCheckInterval() { return Duration.ofSeconds(30); }
      public Duration encoderMaxWait() { return Duration.ofSeconds(1); }
    });
  }

  private static EnrichedEvent routed(String text) {
    return router.route(EnrichedEvent.of(new ConversationEvent(SchemaVersions.CURRENT, "ev-1",
        EventType.CUSTOMER_MESSAGE, "kiosk", "conv-1", Channel.WEBCHAT, Instant.now(), null, text, null, Map.of())))
        .orElseThrow();
  }

  @Test
  void aGermanFaqQuestionGetsTheGermanAnswer() {
    EnrichedEvent out = routed("Wann haben Sie am Samstag geöffnet?");

    assertEquals("de", out.language().code());
    assertEquals("opening_hours", out.intent().label());
    assertEquals("Wir haben Montag bis Samstag von 8 bis 18 Uhr geöffnet.", out.proposedReply().text());
    assertEquals("faq:opening-hours", out.proposedReply().source());
  }

  @Test
  void anEnglishQuestionGetsTheDefaultAnswer() {
    EnrichedEvent out = routed("What are your opening hours on Saturday?");

    assertEquals("en", out.language().code());
    assertEquals("We're open 8am to 6pm, Monday to Saturday.", out.proposedReply().text());
  }

  @Test
  void aShortMessageNamesNoLanguage() {
    EnrichedEvent out = routed("ok danke");

    assertEquals(DetectedLanguage.UNKNOWN, out.language().code());
  }

  @Test
  void anEventWithoutTextPassesWithoutALanguage() {
    EnrichedEvent call = EnrichedEvent.of(new ConversationEvent(SchemaVersions.CURRENT, "ev-2", EventType.CALL_STARTED,
        "kiosk", "conv-2", Channel.VOICE, Instant.now(), null, null, null, Map.of()));

    assertNull(router.route(call).orElseThrow().language());
  }

  @Test
  void aCallerSilentReportPassesUntouched() {
    EnrichedEvent report = EnrichedEvent.of(new ConversationEvent(SchemaVersions.CURRENT, "tw:CA1:silent:3",
        EventType.CALLER_SILENT, "kiosk", "call:CA1", Channel.VOICE, Instant.now(), null, "wann haben Sie geöffnet",
        null, Map.of("silence.ms", "5000")));

    EnrichedEvent out = router.route(report).orElseThrow();

    assertEquals(report, out);
    assertNull(out.intent());
    assertNull(out.proposedReply());
  }
}
