package dev.baton.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.privacy.PrivacyPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantDirectoryTest {

  private static TenantDirectory parse(String yaml, Map<String, String> env) {
    return TenantDirectory.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml", env::get);
  }

  @Test
  void theShippedDemoFileIsValid() {
    TenantDirectory dir =
        TenantDirectory.load(
            Path.of("../deploy/tenants.yaml"), Map.of("BATON_SECRET_DEMO_DENTAL", "s3cret")::get);

    assertEquals(3, dir.all().size());
    TenantConfig dental = dir.find("demo-dental").orElseThrow();
    assertEquals("s3cret", dental.webhookSecret());
    assertEquals("reception", dental.skillFor("cancel_appointment"));
    assertEquals("reception", dental.skillFor("something_else"));
    assertTrue(dental.faq().stream().anyMatch(f -> f.id().equals("opening-hours")));
    assertNull(dir.find("demo-parcels").orElseThrow().webhookSecret(), "env var unset");
    assertTrue(dir.find("demo-parcels").orElseThrow().escalation().keywords().contains("damaged"));
  }

  @Test
  void theShippedDentalDemoHasItsProviderNumbersOnTheDemoReceiver() {
    // deploy/run.sh generates these secrets; without them the file still loads, with warnings.
    TenantDirectory dir =
        TenantDirectory.load(Path.of("../deploy/tenants.yaml"), Map.of("BATON_SECRET_DEMO_DENTAL", "s3cret")::get);

    Channels channels = dir.find("demo-dental").orElseThrow().channels();
    Channels.WhatsApp wa = channels.whatsapp();
    assertEquals("http://127.0.0.1:8099/graph/v21.0", wa.apiBaseUrl());
    assertEquals(new Channels.MessageTemplate("missed_call_ack", "en_GB", List.of("tenantName")), wa.missedCallTemplate());
    assertNull(wa.appSecret(), "env var unset");
    Channels.Twilio twilio = channels.twilio();
    assertEquals("http://127.0.0.1:8099/twilio", twilio.apiBaseUrl());
    assertEquals(List.of("+442079460123"), twilio.numbers());
    assertEquals(new Channels.Voice("en-GB", "Polly.Amy", "reception", null), twilio.voice());
    assertTrue(twilio.acceptedAuthTokens().isEmpty(), "env var unset");
    for (String unset : List.of("BATON_WA_APP_SECRET_DEMO_DENTAL", "BATON_WA_VERIFY_TOKEN_DEMO_DENTAL",
        "BATON_WA_ACCESS_TOKEN_DEMO_DENTAL", "BATON_TWILIO_AUTH_TOKEN_DEMO_DENTAL")) {
      assertTrue(dir.warnings().stream().anyMatch(w -> w.contains(unset + " is not set")), unset + ": " + dir.warnings());
    }
  }

  @Test
  void omittedRulesTakeTheDefaults() {
    TenantDirectory dir = parse("tenants:\n  - id: t1\n    webhookSecretEnv: S\n", Map.of("S", "x"));

    TenantConfig t = dir.find("t1").orElseThrow();
    assertEquals(EscalationRules.DEFAULTS, t.escalation());
    assertEquals(Templates.DEFAULTS, t.templates());
    assertEquals(Duration.ofSeconds(5), t.escalation().silenceTimeout());
    assertTrue(t.businessHours().isOpen(Instant.parse("2026-11-22T03:00:00Z"), ZoneId.of("UTC")));
  }

  @Test
  void everyProblemIsReportedWithItsPath() {
    String yaml =
        """
        tenants:
          - id: Bad_Id
            webhookSecretEnv: S
            timezone: Mars/Olympus
            callbackUrl: ftp://x
            escalation:
              confidenceThreshold: 1.5
              silenceTimeout: soon
              sentimentTreshold: -0.2
            businessHours: {days: [MON, FUNDAY], open: "18:00", close: "08:00"}
          - name: no id
        """;

    TenantConfigException e =
        assertThrows(TenantConfigException.class, () -> parse(yaml, Map.of()));

    String all = String.join("\n", e.problems());
    assertTrue(all.contains("tenants[0].id: must be lower-case"), all);
    assertTrue(all.contains("tenants[0].timezone: unknown time zone 'Mars/Olympus'"), all);
    assertTrue(all.contains("tenants[0].callbackUrl: must be an http(s) URL"), all);
    assertTrue(all.contains("tenants[0].escalation.confidenceThreshold: must be in [0, 1], was 1.5"), all);
    assertTrue(all.contains("tenants[0].escalation.silenceTimeout: must be a duration"), all);
    assertTrue(all.contains("tenants[0].escalation.sentimentTreshold: unknown field"), all);
    assertTrue(all.contains("tenants[0].businessHours.days: unknown day 'FUNDAY'"), all);
    assertTrue(all.contains("tenants[0].businessHours: open (18:00) must be before close"), all);
    assertTrue(all.contains("tenants[1].id: is required"), all);
    assertTrue(e.getMessage().startsWith("invalid tenants file test.yaml"));
  }

  @Test
  void aTenantSetsItsComplaintThresholdWithinZeroToOne() {
    String yaml =
        """
        tenants:
          - id: t1
            webhookSecretEnv: S
            escalation: {complaintThreshold: 0.8}
          - id: t2
            webhookSecretEnv: S
        """;
    TenantDirectory dir = parse(yaml, Map.of("S", "s"));

    assertEquals(0.8, dir.find("t1").orElseThrow().escalation().complaintThreshold());
    assertEquals(EscalationRules.DEFAULT_COMPLAINT_THRESHOLD, dir.find("t2").orElseThrow().escalation().complaintThreshold());
    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse(
        "tenants:\n  - id: t1\n    webhookSecretEnv: S\n    escalation: {complaintThreshold: 1.2}\n", Map.of("S", "s")));
    assertTrue(String.join("\n", e.problems()).contains("tenants[0].escalation.complaintThreshold: must be in [0, 1], was 1.2"),
        String.join("\n", e.problems()));
  }

  @Test
  void agentsAreAgentsUnlessTheFileSaysSupervisor() {
    String yaml =
        """
        tenants:
          - id: t1
            webhookSecretEnv: S
            agents:
              - {id: a1, tokenEnv: A1}
              - {id: s1, tokenEnv: S1, role: supervisor}
        """;
    TenantConfig t = parse(yaml, Map.of("S", "s", "A1", "x", "S1", "y")).find("t1").orElseThrow();

    assertEquals(Agent.AGENT, t.agents().get(0).role());
    assertFalse(t.agents().get(0).supervisor());
    assertTrue(t.agents().get(1).supervisor());
  }

  @Test
  void agentTokensAreKeptHashedAndUnusableOnesAreWarningsNotFailures() {
    String yaml =
        """
        tenants:
          - id: t1
            webhookSecretEnv: S
            agents:
              - {id: plain, tokenEnv: PLAIN}
              - {id: hashed, tokenEnv: HASHED}
              - {id: short, tokenEnv: SHORT}
              - {id: unset, tokenEnv: UNSET}
              - {id: oidc-only}
        """;
    String plain = "p".repeat(40);
    String hashed = AgentTokens.hash("h".repeat(40));
    TenantDirectory dir = parse(yaml, Map.of("S", "s", "PLAIN", plain, "HASHED", hashed, "SHORT", "too-short"));

    var agents = dir.find("t1").orElseThrow().agents();
    assertEquals(AgentTokens.hash(plain), agents.get(0).tokenHash());
    assertEquals(hashed, agents.get(1).tokenHash());
    assertNull(agents.get(2).tokenHash());
    assertNull(agents.get(3).tokenHash());
    assertNull(agents.get(4).tokenHash(), "no tokenEnv: signs in with a JWT only");
    assertEquals(
        List.of("tenants[0].agents[2]: agent short of tenant t1 cannot sign in with a token: SHORT is shorter than 32 characters",
            "tenants[0].agents[3]: agent unset of tenant t1 cannot sign in with a token: UNSET is not set"),
        dir.warnings());
    assertFalse(String.join("", dir.warnings()).contains("too-short"));
  }

  @Test
  void anUnknownAgentRoleIsAProblemWithItsPath() {
    String yaml = "tenants:\n  - id: t1\n    agents:\n      - {id: a1, tokenEnv: A1, role: admin}\n";

    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse(yaml, Map.of()));

    assertTrue(e.getMessage().contains("tenants[0].agents[0].role: must be agent or supervisor, was 'admin'"), e.getMessage());
  }

  @Test
  void duplicateTenantIdsAreRejected() {
    String yaml = "tenants:\n  - {id: a, webhookSecretEnv: S}\n  - {id: a, webhookSecretEnv: S}\n";

    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse(yaml, Map.of()));

    assertEquals("tenants[1].id: duplicate tenant id 'a'", e.problems().get(0));
  }

  @Test
  void brokenYamlSaysSo() {
    TenantConfigException e =
        assertThrows(TenantConfigException.class, () -> parse("tenants: [ {id: a", Map.of()));
    assertTrue(e.problems().get(0).startsWith("not valid YAML"), e.problems().get(0));
  }

  @Test
  void businessHoursAreReadInTheTenantZone() {
    TenantDirectory dir =
        parse(
            """
            tenants:
              - id: ny
                webhookSecretEnv: S
                timezone: America/New_York
                businessHours: {days: [MON, TUE, WED, THU, FRI], open: "09:00", close: "17:00"}
            """,
            Map.of());
    TenantConfig ny = dir.find("ny").orElseThrow();
    // Monday 2026-11-23 14:00 UTC is 09:00 in New York: open. 13:59 UTC is not.
    assertTrue(ny.businessHours().isOpen(Instant.parse("2026-11-23T14:00:00Z"), ny.timezone()));
    assertFalse(ny.businessHours().isOpen(Instant.parse("2026-11-23T13:59:00Z"), ny.timezone()));
    // Saturday: next opening is Monday 09:00 local.
    assertEquals(
        "2026-11-30T09:00-05:00[America/New_York]",
        ny.businessHours().nextOpening(Instant.parse("2026-11-28T15:00:00Z"), ny.timezone()).toString());
  }

  @Test
  void secretsNeverAppearInToString() {
    TenantDirectory dir = parse("tenants:\n  - id: t1\n    webhookSecretEnv: S\n", Map.of("S", "hunter2"));
    assertFalse(dir.find("t1").orElseThrow().toString().contains("hunter2"));
  }

  @Test
  void aPreviousSecretIsAcceptedWhileRotating() {
    TenantDirectory dir =
        parse(
            """
            tenants:
              - {id: rotating, webhookSecretEnv: NEW, previousWebhookSecretEnv: OLD}
              - {id: settled, webhookSecretEnv: NEW}
              - {id: half-done, webhookSecretEnv: NEW, previousWebhookSecretEnv: UNSET}
            """,
            Map.of("NEW", "new-secret", "OLD", "old-secret"));
    assertEquals(java.util.List.of("new-secret", "old-secret"),
        dir.find("rotating").orElseThrow().acceptedWebhookSecrets());
    assertEquals("new-secret", dir.find("rotating").orElseThrow().webhookSecret(), "signs with the new one");
    assertEquals(java.util.List.of("new-secret"), dir.find("settled").orElseThrow().acceptedWebhookSecrets());
    assertEquals(java.util.List.of("new-secret"), dir.find("half-done").orElseThrow().acceptedWebhookSecrets());
    assertFalse(dir.find("rotating").orElseThrow().toString().contains("secret"), "never printed");
  }

  @Test
  void thePrivacyPolicyIsReadAndDefaultsToCardsOnly() {
    TenantDirectory dir =
        parse(
            """
            tenants:
              - id: strict
                webhookSecretEnv: S
                privacy: {maskEmails: true, maskPhones: true}
              - id: emails
                webhookSecretEnv: S
                privacy:
                  maskEmails: true
              - id: plain
                webhookSecretEnv: S
            """,
            Map.of());

    assertEquals(new PrivacyPolicy(true, true), dir.find("strict").orElseThrow().privacy());
    assertEquals(new PrivacyPolicy(true, false), dir.find("emails").orElseThrow().privacy());
    assertEquals(PrivacyPolicy.DEFAULTS, dir.find("plain").orElseThrow().privacy());
    assertFalse(PrivacyPolicy.DEFAULTS.maskEmails() || PrivacyPolicy.DEFAULTS.maskPhones());
  }

  @Test
  void aBadPrivacySectionIsReportedAndCardMaskingCannotBeTurnedOff() {
    String yaml =
        """
        tenants:
          - id: t1
            webhookSecretEnv: S
            privacy: {maskEmails: "sometimes", maskCards: false, maskNames: true}
          - id: t2
            webhookSecretEnv: S
            privacy: [maskEmails]
        """;

    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse(yaml, Map.of()));

    String all = String.join("\n", e.problems());
    assertTrue(all.contains("tenants[0].privacy.maskEmails: must be true or false, was 'sometimes'"), all);
    assertTrue(all.contains("tenants[0].privacy: card numbers are always masked"), all);
    assertTrue(all.contains("tenants[0].privacy.maskNames: unknown field"), all);
    assertTrue(all.contains("tenants[1].privacy: must be a mapping"), all);
  }

  @Test
  void theShippedDemoFileHasAStrictTenant() {
    TenantDirectory dir = TenantDirectory.load(Path.of("../deploy/tenants.yaml"), Map.<String, String>of()::get);
    assertEquals(PrivacyPolicy.DEFAULTS, dir.find("demo-dental").orElseThrow().privacy());
    assertEquals(new PrivacyPolicy(true, true), dir.find("demo-saas").orElseThrow().privacy());
  }
}
