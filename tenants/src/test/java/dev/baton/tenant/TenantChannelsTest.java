package dev.baton.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantChannelsTest {

  private static TenantDirectory parse(String yaml, Map<String, String> env) {
    return TenantDirectory.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml", env::get);
  }

  private static final Map<String, String> ENV =
      Map.of("S", "x", "WA_SECRET", "app-secret", "WA_VERIFY", "verify-me", "WA_TOKEN", "EAAG-token");

  @Test
  void aWhatsAppNumberIsReadWithItsSecretsFromTheEnvironment() {
    TenantDirectory dir = parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              whatsapp:
                phoneNumberId: "106540352242922"
                appSecretEnv: WA_SECRET
                verifyTokenEnv: WA_VERIFY
                accessTokenEnv: WA_TOKEN
                missedCallTemplate: { name: missed_call_v1, language: en_US, bodyParameters: [tenantName] }
        """, ENV);

    TenantConfig t = dir.find("t1").orElseThrow();
    Channels.WhatsApp wa = t.channels().whatsapp();
    assertEquals("106540352242922", wa.phoneNumberId());
    assertEquals("app-secret", wa.appSecret());
    assertEquals("verify-me", wa.verifyToken());
    assertEquals("EAAG-token", wa.accessToken());
    assertEquals(Channels.WhatsApp.DEFAULT_API_BASE_URL, wa.apiBaseUrl());
    assertEquals(new Channels.MessageTemplate("missed_call_v1", "en_US", List.of("tenantName")), wa.missedCallTemplate());
    assertTrue(t.channels().hasProviderFor(Channel.WHATSAPP));
    assertFalse(t.channels().hasProviderFor(Channel.SMS));
    assertFalse(wa.toString().contains("app-secret") || wa.toString().contains("EAAG"), "no secret in toString");
    assertTrue(dir.warnings().isEmpty(), dir.warnings().toString());
  }

  @Test
  void aTwilioAccountIsReadWithItsNumbersAndBothTokensWhileRotating() {
    TenantDirectory dir = parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              twilio:
                accountSid: AC0123456789abcdef0123456789abcdef
                authTokenEnv: TW_TOKEN
                previousAuthTokenEnv: TW_OLD
                numbers: ["+15558675310"]
                whatsappNumber: "+14155238886"
        """, Map.of("S", "x", "TW_TOKEN", "new-token", "TW_OLD", "old-token"));

    Channels.Twilio tw = dir.find("t1").orElseThrow().channels().twilio();
    assertEquals(List.of("+15558675310"), tw.numbers());
    assertEquals("+14155238886", tw.whatsappNumber());
    assertEquals(List.of("new-token", "old-token"), tw.acceptedAuthTokens());
    assertEquals(Channels.Twilio.DEFAULT_API_BASE_URL, tw.apiBaseUrl());
    Channels channels = dir.find("t1").orElseThrow().channels();
    assertTrue(channels.hasProviderFor(Channel.SMS));
    assertTrue(channels.hasProviderFor(Channel.VOICE));
    assertTrue(channels.hasProviderFor(Channel.WHATSAPP), "WhatsApp through Twilio's sender");
    assertFalse(channels.hasProviderFor(Channel.EMAIL));
    assertFalse(tw.toString().contains("token"));
    assertEquals(Channels.Voice.defaults("t1"), tw.voice(), "calls join queue baton-<tenant>, in en-US");
  }

  @Test
  void callsAreTransferredToAQueueOrDialledButNotBoth() {
    TenantDirectory dir = parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              twilio:
                accountSid: AC0123456789abcdef0123456789abcdef
                authTokenEnv: TW_TOKEN
                numbers: ["+15558675310"]
                voice: {language: de-DE, voice: Polly.Vicki, dial: "sip:reception@pbx.example.com"}
        """, Map.of("S", "x", "TW_TOKEN", "t"));
    Channels.Voice v = dir.find("t1").orElseThrow().channels().twilio().voice();
    assertEquals("de-DE", v.language());
    assertTrue(v.dialsSip());
    assertNull(v.enqueue());

    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              twilio:
                accountSid: AC0123456789abcdef0123456789abcdef
                authTokenEnv: TW_TOKEN
                numbers: ["+15558675310"]
                voice: {language: english, enqueue: reception, dial: "tel:123"}
        """, Map.of("S", "x", "TW_TOKEN", "t")));
    for (String expected : List.of("tenants[0].channels.twilio.voice.language: must be a language tag",
        "tenants[0].channels.twilio.voice: set enqueue or dial, not both",
        "tenants[0].channels.twilio.voice.dial: must be a number in E.164 or a sip: URI")) {
      assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(expected)), expected + " not in " + e.problems());
    }
  }

  @Test
  void twilioNumbersAreE164AndBelongToOneTenant() {
    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              twilio: {accountSid: AC123, authTokenEnv: TW_TOKEN, numbers: ["555-1234"], whatsappNumber: "14155238886"}
          - id: t2
            webhookSecretEnv: S
            channels:
              twilio: {accountSid: AC0123456789abcdef0123456789abcdef, authTokenEnv: TW_TOKEN, numbers: ["+15558675310"]}
          - id: t3
            webhookSecretEnv: S
            channels:
              twilio: {accountSid: AC0123456789abcdef0123456789abcdef, authTokenEnv: TW_TOKEN, numbers: ["+15558675310"]}
          - id: t4
            webhookSecretEnv: S
            channels:
              twilio: {accountSid: AC0123456789abcdef0123456789abcdef, authTokenEnv: TW_TOKEN}
        """, Map.of("S", "x", "TW_TOKEN", "t")));
    for (String expected : List.of(
        "tenants[0].channels.twilio.accountSid: must be AC and 32 letters or digits",
        "tenants[0].channels.twilio.numbers[0]: must be in E.164",
        "tenants[0].channels.twilio.whatsappNumber: must be in E.164",
        "tenants[2].channels.twilio: +15558675310 is already a number of tenant t2",
        "tenants[3].channels.twilio.numbers: must list at least one")) {
      assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(expected)), expected + " not in " + e.problems());
    }
  }

  @Test
  void aTwilioWhatsAppSenderMayNameItsMissedCallContentTemplate() {
    TenantDirectory dir = parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              twilio:
                accountSid: AC0123456789abcdef0123456789abcdef
                authTokenEnv: TW_TOKEN
                numbers: ["+15558675310"]
                whatsappNumber: "+14155238886"
                missedCallContentSid: HX0123456789abcdef0123456789abcdef
                missedCallContentVariables: [tenantName, customerName]
          - id: t2
            webhookSecretEnv: S
            channels:
              twilio: {accountSid: AC0123456789abcdef0123456789abcdee, authTokenEnv: TW_TOKEN, numbers: ["+15558675311"]}
        """, Map.of("S", "x", "TW_TOKEN", "t"));
    Channels.Twilio tw = dir.find("t1").orElseThrow().channels().twilio();
    assertEquals("HX0123456789abcdef0123456789abcdef", tw.missedCallContentSid());
    assertEquals(List.of("tenantName", "customerName"), tw.missedCallContentVariables());
    Channels.Twilio none = dir.find("t2").orElseThrow().channels().twilio();
    assertNull(none.missedCallContentSid());
    assertEquals(List.of(), none.missedCallContentVariables());

    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              twilio:
                accountSid: AC0123456789abcdef0123456789abcdef
                authTokenEnv: TW_TOKEN
                numbers: ["+15558675310"]
                missedCallContentSid: missed_call_ack
                missedCallContentVariables: [tenantName, phone]
          - id: t2
            webhookSecretEnv: S
            channels:
              twilio:
                accountSid: AC0123456789abcdef0123456789abcdee
                authTokenEnv: TW_TOKEN
                numbers: ["+15558675311"]
                whatsappNumber: "+14155238887"
                missedCallContentVariables: [tenantName]
        """, Map.of("S", "x", "TW_TOKEN", "t")));
    for (String expected : List.of(
        "tenants[0].channels.twilio.missedCallContentSid: must be a Content template SID",
        "tenants[0].channels.twilio.missedCallContentSid: is sent on WhatsApp, so whatsappNumber must be set",
        "tenants[0].channels.twilio.missedCallContentVariables[1]: must be one of [customerName, tenantName]",
        "tenants[1].channels.twilio.missedCallContentVariables: fill missedCallContentSid's template")) {
      assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(expected)), expected + " not in " + e.problems());
    }
  }

  @Test
  void aTenantWithoutChannelsHasNoProvider() {
    TenantConfig t = parse("tenants:\n  - id: t1\n    webhookSecretEnv: S\n", ENV).find("t1").orElseThrow();
    assertNull(t.channels().whatsapp());
    assertFalse(t.channels().hasProviderFor(Channel.WHATSAPP));
  }

  @Test
  void anUnsetSecretIsAWarningNamingTheVariableNeverItsValue() {
    TenantDirectory dir = parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              whatsapp: { phoneNumberId: "1", appSecretEnv: WA_SECRET, verifyTokenEnv: UNSET_VERIFY, accessTokenEnv: WA_TOKEN }
        """, ENV);

    assertNull(dir.find("t1").orElseThrow().channels().whatsapp().verifyToken());
    assertEquals(List.of("tenants[0].channels.whatsapp.verifyTokenEnv: UNSET_VERIFY is not set; tenant t1 cannot use "
        + "this channel until it is"), dir.warnings());
  }

  @Test
  void invalidChannelSettingsAreRefusedWithTheirPaths() {
    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse("""
        tenants:
          - id: t1
            channels:
              whatsapp:
                phoneNumberId: "+49 151"
                appSecretEnv: lower_case
                accessTokenEnv: WA_TOKEN
                apiBaseUrl: "ftp://graph"
                pager: yes
                missedCallTemplate: { name: "Missed Call", bodyParameters: [orderNumber] }
              telegram: {}
          - id: t2
            channels:
              whatsapp: { phoneNumberId: "7", appSecretEnv: WA_SECRET, verifyTokenEnv: WA_VERIFY, accessTokenEnv: WA_TOKEN }
          - id: t3
            channels:
              whatsapp: { phoneNumberId: "7", appSecretEnv: WA_SECRET, verifyTokenEnv: WA_VERIFY, accessTokenEnv: WA_TOKEN }
        """, ENV));

    List<String> problems = e.problems();
    for (String expected : List.of(
        "tenants[0].channels.telegram: unknown field",
        "tenants[0].channels.whatsapp.pager: unknown field",
        "tenants[0].channels.whatsapp.phoneNumberId: must be Meta's numeric phone number id, was '+49 151'",
        "tenants[0].channels.whatsapp.appSecretEnv: must name an environment variable",
        "tenants[0].channels.whatsapp.verifyTokenEnv: is required",
        "tenants[0].channels.whatsapp.apiBaseUrl: must be an http(s) URL",
        "tenants[0].channels.whatsapp.missedCallTemplate.name: template names are lower-case",
        "tenants[0].channels.whatsapp.missedCallTemplate.language: is required",
        "tenants[0].channels.whatsapp.missedCallTemplate.bodyParameters[0]: must be one of",
        "tenants[2].channels.whatsapp.phoneNumberId: 7 is already the number of tenant t2")) {
      assertTrue(problems.stream().anyMatch(p -> p.startsWith(expected)), expected + " not in " + problems);
    }
  }

  private static final Map<String, String> EMAIL_ENV = Map.of("S", "x", "MG_SIGNING", "key-test-signing-key",
      "MG_API", "key-api-123", "SG_API", "SG.api-key", "SG_TOKEN", "parse-token-0123456789abcdef",
      "SG_USER", "parse", "SG_PASSWORD", "pass-word");

  @Test
  void aMailgunTenantsAddressesAreLowerCasedAndItsKeysReadFromTheEnvironment() {
    TenantDirectory dir = parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              email:
                provider: mailgun
                addresses: [Support@MG.Example.com, help@mg.example.com]
                fromAddress: Support@mg.example.com
                fromName: T1 Support
                mailgun: {signingKeyEnv: MG_SIGNING, apiKeyEnv: MG_API, domain: mg.example.com,
                          apiBaseUrl: "https://api.eu.mailgun.net/"}
        """, EMAIL_ENV);
    Channels channels = dir.find("t1").orElseThrow().channels();
    Channels.Email email = channels.email();
    assertEquals(Channels.EmailProvider.MAILGUN, email.provider());
    assertEquals(List.of("support@mg.example.com", "help@mg.example.com"), email.addresses());
    assertEquals("support@mg.example.com", email.fromAddress());
    assertEquals("T1 Support", email.fromName());
    assertEquals("key-test-signing-key", email.signingKey());
    assertEquals("key-api-123", email.apiKey());
    assertEquals("mg.example.com", email.sendingDomain());
    assertEquals(Channels.Email.MAILGUN_EU_API_BASE_URL, email.apiBaseUrl(), "the EU region, trailing slash dropped");
    assertTrue(email.receivesAt("HELP@mg.example.com "));
    assertFalse(email.receivesAt("other@mg.example.com"));
    assertTrue(channels.hasProviderFor(Channel.EMAIL));
    assertFalse(channels.hasProviderFor(Channel.SMS));
    assertFalse(email.toString().contains("key-"), "no secret in toString");
    assertTrue(dir.warnings().isEmpty(), dir.warnings().toString());
  }

  /** A SendGrid tenant with a path token and basic auth, each from its variable of {@link #EMAIL_ENV}. */
  private static final String SENDGRID_EVERY_CREDENTIAL = """
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              email:
                provider: sendgrid
                addresses: [help@parse.example.com]
                fromAddress: help@example.com
                sendgrid: {apiKeyEnv: SG_API, inboundTokenEnv: SG_TOKEN, basicAuthUserEnv: SG_USER,
                           basicAuthPasswordEnv: SG_PASSWORD}
        """;

  @Test
  void aSendGridTenantTakesASecretPathTokenOrBasicAuthAndTheDefaultApi() {
    TenantDirectory dir = parse(SENDGRID_EVERY_CREDENTIAL, EMAIL_ENV);
    Channels.Email email = dir.find("t1").orElseThrow().channels().email();
    assertEquals(Channels.EmailProvider.SENDGRID, email.provider());
    assertEquals("SG.api-key", email.apiKey());
    assertEquals(Channels.Email.SENDGRID_API_BASE_URL, email.apiBaseUrl());
    assertEquals("parse-token-0123456789abcdef", email.inboundToken());
    assertEquals("parse", email.basicAuthUser());
    assertEquals("pass-word", email.basicAuthPassword());
    assertNull(email.signingKey());
    assertNull(email.fromName());
  }

  @Test
  void aSendGridTenantWithAConfiguredCredentialUnsetTakesNothingRatherThanTheOthersAlone() {
    for (String unset : List.of("SG_PASSWORD", "SG_USER", "SG_TOKEN")) {
      Map<String, String> env = new java.util.HashMap<>(EMAIL_ENV);
      env.remove(unset);
      TenantDirectory dir = parse(SENDGRID_EVERY_CREDENTIAL, env);
      Channels.Email email = dir.find("t1").orElseThrow().channels().email();
      assertNull(email.inboundToken(), unset);
      assertNull(email.basicAuthUser(), unset);
      assertNull(email.basicAuthPassword(), unset);
      assertEquals("SG.api-key", email.apiKey(), "sending is not affected");
      assertTrue(dir.warnings().stream().anyMatch(w -> w.contains(unset + " is not set")), dir.warnings().toString());
      assertTrue(dir.warnings().stream().anyMatch(w -> w.startsWith("tenants[0].channels.email.sendgrid: a configured"
          + " Inbound Parse credential is not set; tenant t1 takes no SendGrid email")), dir.warnings().toString());
    }
  }

  @Test
  void invalidEmailCombinationsAreRefusedWithTheirPaths() {
    TenantConfigException e = assertThrows(TenantConfigException.class, () -> parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              email:
                provider: postmark
                addresses: [not-an-address]
                fromAddress: a@example.com
          - id: t2
            webhookSecretEnv: S
            channels:
              email:
                provider: sendgrid
                addresses: [help@parse.example.com]
                fromAddress: help@example.com
                sendgrid: {apiKeyEnv: SG_API, basicAuthUserEnv: SG_USER}
                mailgun: {signingKeyEnv: MG_SIGNING, apiKeyEnv: MG_API, domain: mg.example.com}
          - id: t3
            webhookSecretEnv: S
            channels:
              email:
                provider: sendgrid
                addresses: [HELP@parse.example.com]
                fromAddress: help@example.com
                sendgrid: {apiKeyEnv: SG_API}
          - id: t4
            webhookSecretEnv: S
            channels:
              email:
                provider: mailgun
                addresses: [x@mg.example.com]
                fromAddress: x@mg.example.com
                mailgun: {apiKeyEnv: MG_API, domain: "mg example"}
        """, EMAIL_ENV));
    for (String expected : List.of(
        "tenants[0].channels.email.provider: must be mailgun or sendgrid",
        "tenants[0].channels.email.addresses[0]: must be an email address",
        "tenants[1].channels.email.mailgun: the provider is sendgrid",
        "tenants[1].channels.email.sendgrid: basicAuthUserEnv and basicAuthPasswordEnv go together",
        "tenants[2].channels.email.sendgrid: set inboundTokenEnv",
        "tenants[2].channels.email.addresses: help@parse.example.com is already an address of tenant t2",
        "tenants[3].channels.email.mailgun.signingKeyEnv: is required",
        "tenants[3].channels.email.mailgun.domain: must be a domain name")) {
      assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(expected)), expected + " not in " + e.problems());
    }
  }

  @Test
  void anUnsetEmailSecretIsAWarningNamingItsPath() {
    TenantDirectory dir = parse("""
        tenants:
          - id: t1
            webhookSecretEnv: S
            channels:
              email:
                provider: mailgun
                addresses: [x@mg.example.com]
                fromAddress: x@mg.example.com
                mailgun: {signingKeyEnv: MG_UNSET, apiKeyEnv: MG_API, domain: mg.example.com}
        """, EMAIL_ENV);
    assertNull(dir.find("t1").orElseThrow().channels().email().signingKey());
    assertTrue(dir.warnings().stream().anyMatch(w -> w.startsWith("tenants[0].channels.email.mailgun.signingKeyEnv: MG_UNSET")),
        dir.warnings().toString());
  }
}
