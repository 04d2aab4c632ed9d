package dev.baton.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantWebChatTest {
  private static final String SECRET = "a-web-chat-signing-secret-of-40-chars!!!";

  private static TenantDirectory parse(String yaml, Map<String, String> env) {
    return TenantDirectory.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml", env::get);
  }

  @Test
  void aWidgetIsReadWithItsOriginsTextsAndSecretFromTheEnvironment() {
    TenantDirectory dir = parse("""
        tenants:
          - id: t1
            name: Bright Smiles
            webhookSecretEnv: S
            channels:
              webchat:
                sessionSecretEnv: WC_SECRET
                allowedOrigins: ["https://www.brightsmiles.example", "http://localhost:8080"]
                title: Bright Smiles chat
                disclosure: You are talking to our virtual assistant.
                sessionTtl: PT2H
        """, Map.of("S", "x", "WC_SECRET", SECRET));

    TenantConfig t = dir.find("t1").orElseThrow();
    WebChat wc = t.channels().webchat();
    assertEquals(SECRET, wc.sessionSecret());
    assertEquals(List.of("https://www.brightsmiles.example", "http://localhost:8080"), wc.allowedOrigins());
    assertEquals("Bright Smiles chat", wc.title());
    assertEquals(WebChat.DEFAULT_GREETING, wc.greeting());
    assertEquals("You are talking to our virtual assistant.", wc.disclosure());
    assertEquals(Duration.ofHours(2), wc.sessionTtl());
    assertTrue(wc.allows("http://localhost:8080"));
    assertFalse(wc.allows("https://evil.example"));
    assertFalse(wc.allows("https://www.brightsmiles.example/"), "an origin has no path");
    assertTrue(t.channels().deliversItself(Channel.WEBCHAT, "webchat:Zx8Qm2ZVbq3c0pSx1rL7yA"),
        "the widget's conversations are answered in the widget");
    assertFalse(t.channels().deliversItself(Channel.WEBCHAT, "site-chat-991"),
        "the tenant's own chat over the generic API keeps its callback");
    assertFalse(t.channels().deliversItself(Channel.SMS, "webchat:Zx8Qm2ZVbq3c0pSx1rL7yA"));
    assertFalse(wc.toString().contains(SECRET), "no secret in toString");
    assertTrue(dir.warnings().isEmpty(), dir.warnings().toString());
  }

  @Test
  void defaultsLeaveTheTitleToTheTenantsNameAndADayLongSession() {
    WebChat wc = parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              webchat: {sessionSecretEnv: WC_SECRET, allowedOrigins: ["https://shop.example:8443"]}
        """, Map.of("S", "x", "WC_SECRET", SECRET)).find("t1").orElseThrow().channels().webchat();
    assertNull(wc.title());
    assertEquals(WebChat.DEFAULT_DISCLOSURE, wc.disclosure());
    assertEquals(WebChat.DEFAULT_SESSION_TTL, wc.sessionTtl());
  }

  @Test
  void anUnsetOrShortSecretIsAWarningAndLeavesTheWidgetWithoutOne() {
    String yaml = """
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              webchat: {sessionSecretEnv: WC_SECRET, allowedOrigins: ["https://shop.example"]}
        """;
    TenantDirectory unset = parse(yaml, Map.of("S", "x"));
    assertNull(unset.find("t1").orElseThrow().channels().webchat().sessionSecret());
    assertTrue(unset.warnings().stream().anyMatch(w -> w.contains("WC_SECRET is not set")), unset.warnings().toString());

    TenantDirectory shortSecret = parse(yaml, Map.of("S", "x", "WC_SECRET", "too-short"));
    assertNull(shortSecret.find("t1").orElseThrow().channels().webchat().sessionSecret());
    assertTrue(shortSecret.warnings().stream().anyMatch(w -> w.contains("shorter than 32")),
        shortSecret.warnings().toString());
  }

  @Test
  void originsMustBeBareOriginsAndAtLeastOneIsRequired() {
    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              webchat:
                sessionSecretEnv: WC_SECRET
                allowedOrigins: ["https://shop.example/", "*", "https://Shop.example"]
                sessionTtl: PT1M
                colour: blue
          - id: t2
            webhookSecretEnv: S
            channels:
              webchat: {sessionSecretEnv: WC_SECRET}
        """, Map.of("S", "x", "WC_SECRET", SECRET)));
    for (String expected : List.of(
        "tenants[0].channels.webchat.allowedOrigins[0]: must be an origin",
        "tenants[0].channels.webchat.allowedOrigins[1]: must be an origin",
        "tenants[0].channels.webchat.allowedOrigins[2]: must be an origin",
        "tenants[0].channels.webchat.sessionTtl: must be between 5 minutes and 30 days",
        "tenants[0].channels.webchat.colour: unknown field",
        "tenants[1].channels.webchat.allowedOrigins: is required")) {
      assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(expected)), expected + " not in " + e.problems());
    }
  }
}
