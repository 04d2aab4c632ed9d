package dev.baton.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a tenants file for tests, with callbacks pointing at a {@link CallbackReceiver}, and the
 * secrets that its {@code *Env} names resolve to.
 */
public final class TestTenants {
  public static final String TENANT = "acme";
  public static final String OTHER_TENANT = "globex";
  public static final String SECRET = "test-secret-acme";
  public static final String OTHER_SECRET = "test-secret-globex";
  /** acme is rotating its secret: webhooks signed with this one are still accepted. */
  public static final String PREVIOUS_SECRET = "test-secret-acme-previous";
  /** Agent tokens are at least 32 characters (shorter ones are refused, see AgentTokens). */
  public static final String AGENT_TOKEN = "test-token-alice-4f1c2a9e7b3d5f60";
  public static final String OTHER_AGENT_TOKEN = "test-token-gina-8e2d6b0a4c9f1e37";
  /**
   * The agent desktop's browser test's tenant: two agents of its reception queue (dan, erin) and a
   * supervisor (sue). Its id is new in every JVM, so that what an earlier run left in the shared
   * Redis (queues, agents' loads, event logs) belongs to another tenant.
   */
  public static final String DESK_TENANT = "desk-" + UUID.randomUUID().toString().substring(0, 8);
  public static final String DESK_SECRET = "test-secret-desk";
  public static final String DAN_TOKEN = "test-token-dan-5b0e7c2f9a41d836e4f1";
  public static final String ERIN_TOKEN = "test-token-erin-c81d4a6e02f7b395a1d0";
  public static final String SUE_TOKEN = "test-token-sue-3e9f61b7d2c04a85f6e2";
  /** The desk tenant's resolution codes; the first is the default. */
  /**
   * The desk tenant's web chat widget: its signing secret, and the origin (besides the callback
   * receiver's, which serves the browser test's host page) of the resource tests' pages.
   */
  public static final String WEBCHAT_SECRET = "test-webchat-secret-desk-5e1c0a9b7d3f";
  public static final String WEBCHAT_ORIGIN = "https://shop.desk-dental.example";

  public static final List<String> RESOLUTION_CODES = List.of("solved", "callback-needed", "not-solved");

  /**
   * A tenant whose customers wait with nobody available to take them: told their place after 3 s,
   * offered a call back. Its supervisor (walt) works no queue, so counts as no one available.
   */
  public static final String WAIT_TENANT = "wait-" + UUID.randomUUID().toString().substring(0, 8);
  public static final String WAIT_SECRET = "test-secret-wait";
  public static final String WALT_TOKEN = "test-token-walt-9d1e5c7a3b20f4e6a8c1";

  /**
   * A tenant on WhatsApp's Cloud API. Its number and app secret are those of the shared wire samples
   * (signed with Meta's SDK test secret), so a sample is posted exactly as Meta sent it; its Graph
   * API is the callback receiver's {@code /graph/v21.0}.
   */
  public static final String WHATSAPP_TENANT = "wabiz";
  public static final String WHATSAPP_PHONE_NUMBER_ID = "106540352242922";
  public static final String WHATSAPP_APP_SECRET = "TEST_APP_SECRET";
  public static final String WHATSAPP_VERIFY_TOKEN = "meatyhamhock";
  public static final String WHATSAPP_ACCESS_TOKEN = "test-graph-token-wabiz-5c1e9a";
  public static final String WHATSAPP_SECRET = "test-secret-wabiz";
  /** wabiz's phone line on Twilio (same account and token as twbiz): its missed calls are acknowledged on WhatsApp. */
  public static final String WHATSAPP_TENANT_TWILIO_NUMBER = "+15558675311";

  /**
   * A tenant on Twilio (SMS, calls, WhatsApp via Twilio) with the shared samples' numbers, account
   * and auth token; its REST API is the callback receiver's {@code /twilio}.
   */
  public static final String TWILIO_TENANT = "twbiz";
  public static final String TWILIO_ACCOUNT_SID = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
  public static final String TWILIO_AUTH_TOKEN = "12345";
  public static final String TWILIO_NUMBER = "+15558675310";
  public static final String TWILIO_WHATSAPP_NUMBER = "+14155238886";
  /** twbiz's approved WhatsApp Content template acknowledging a missed call (variable 1: the tenant's name). */
  public static final String TWILIO_MISSED_CALL_CONTENT_SID = "HX2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d0e";

  /**
   * twbiz's email on Mailgun: the shared email sample's recipient and signing key, so the sample is
   * posted exactly as Mailgun sent it; its API is the callback receiver's {@code /mailgun}.
   */
  public static final String MAILGUN_TENANT = TWILIO_TENANT;
  public static final String MAILGUN_ADDRESS = "support@mg.example.com";
  public static final String MAILGUN_SIGNING_KEY = "key-test-signing-key";
  public static final String MAILGUN_API_KEY = "key-test-api-twbiz-3c9e1f";
  public static final String MAILGUN_DOMAIN = "mg.example.com";

  /** wabiz's email on SendGrid's Inbound Parse (path token and basic auth); its API is the receiver's {@code /sendgrid}. */
  public static final String SENDGRID_TENANT = WHATSAPP_TENANT;
  public static final String SENDGRID_ADDRESS = "help@parse.wabikes.example";
  public static final String SENDGRID_FROM = "help@wabikes.example";
  public static final String SENDGRID_API_KEY = "SG.test-key-wabiz.7d2a0c";
  public static final String SENDGRID_INBOUND_TOKEN = "parse-token-wabiz-5e8c1a7f3b90d264";
  public static final String SENDGRID_USER = "parse";
  public static final String SENDGRID_PASSWORD = "parse-password-wabiz";

  /** Environment (or config) entries the file refers to. */
  public static final Map<String, String> SECRETS =
      Map.ofEntries(Map.entry("BATON_SECRET_WAIT", WAIT_SECRET), Map.entry("BATON_AGENT_TOKEN_WALT", WALT_TOKEN),
          Map.entry("BATON_SECRET_ACME", SECRET),
          Map.entry("BATON_SECRET_ACME_PREVIOUS", PREVIOUS_SECRET),
          Map.entry("BATON_SECRET_GLOBEX", OTHER_SECRET),
          Map.entry("BATON_SECRET_DESK", DESK_SECRET),
          Map.entry("BATON_WEBCHAT_SECRET_DESK", WEBCHAT_SECRET),
          Map.entry("BATON_AGENT_TOKEN_ALICE", AGENT_TOKEN),
          Map.entry("BATON_AGENT_TOKEN_GINA", OTHER_AGENT_TOKEN),
          Map.entry("BATON_AGENT_TOKEN_DAN", DAN_TOKEN),
          Map.entry("BATON_AGENT_TOKEN_ERIN", ERIN_TOKEN),
          Map.entry("BATON_AGENT_TOKEN_SUE", SUE_TOKEN),
          Map.entry("BATON_SECRET_WABIZ", WHATSAPP_SECRET),
          Map.entry("BATON_WA_APP_SECRET_WABIZ", WHATSAPP_APP_SECRET),
          Map.entry("BATON_WA_VERIFY_TOKEN_WABIZ", WHATSAPP_VERIFY_TOKEN),
          Map.entry("BATON_WA_ACCESS_TOKEN_WABIZ", WHATSAPP_ACCESS_TOKEN),
          Map.entry("BATON_SECRET_TWBIZ", "test-secret-twbiz"),
          Map.entry("BATON_TWILIO_AUTH_TOKEN_TWBIZ", TWILIO_AUTH_TOKEN),
          Map.entry("BATON_TWILIO_AUTH_TOKEN_WABIZ", TWILIO_AUTH_TOKEN),
          Map.entry("BATON_MAILGUN_SIGNING_KEY_TWBIZ", MAILGUN_SIGNING_KEY),
          Map.entry("BATON_MAILGUN_API_KEY_TWBIZ", MAILGUN_API_KEY),
          Map.entry("BATON_SENDGRID_API_KEY_WABIZ", SENDGRID_API_KEY),
          Map.entry("BATON_SENDGRID_TOKEN_WABIZ", SENDGRID_INBOUND_TOKEN),
          Map.entry("BATON_SENDGRID_USER_WABIZ", SENDGRID_USER),
          Map.entry("BATON_SENDGRID_PASSWORD_WABIZ", SENDGRID_PASSWORD));

  private TestTenants() {}

  /** The scheme, host and port of a URL, as a browser sends it in {@code Origin}. */
  public static String originOf(String url) {
    java.net.URI u = java.net.URI.create(url);
    return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
  }

  public static Path write(String callbackBaseUrl) {
    String yaml =
        """
        version: "test-1"
        tenants:
          - id: acme
            name: Acme Dental
            webhookSecretEnv: BATON_SECRET_ACME
            previousWebhookSecretEnv: BATON_SECRET_ACME_PREVIOUS
            callbackUrl: %1$s/callback/acme
            faq:
              - id: opening-hours
                intent: opening_hours
                examples: [what are your opening hours, when are you open, what time do you open]
                answer: We're open 8am to 6pm, Monday to Friday.
              - id: location
                intent: location
                examples: [where are you, what is your address]
                answer: 12 High Street.
            skills: {default: reception}
            agents:
              - {id: alice, name: Alice, tokenEnv: BATON_AGENT_TOKEN_ALICE}
          - id: globex
            name: Globex
            webhookSecretEnv: BATON_SECRET_GLOBEX
            callbackUrl: %1$s/callback/globex
            faq:
              - id: opening-hours
                intent: opening_hours
                examples: [what are your opening hours]
                answer: Globex is open around the clock.
            privacy: {maskEmails: true, maskPhones: true}
            agents:
              - {id: gina, name: Gina, tokenEnv: BATON_AGENT_TOKEN_GINA}
          - id: %3$s
            name: Desk Dental
            webhookSecretEnv: BATON_SECRET_DESK
            callbackUrl: %1$s/callback/%3$s
            faq:
              - id: opening-hours
                intent: opening_hours
                examples: [what are your opening hours, when are you open, what time do you open]
                answer: We're open 8am to 6pm, Monday to Friday.
            skills: {default: reception}
            agents:
              - {id: dan, name: Dan, tokenEnv: BATON_AGENT_TOKEN_DAN, skills: [reception], capacity: 3}
              - {id: erin, name: Erin, tokenEnv: BATON_AGENT_TOKEN_ERIN, skills: [reception], capacity: 3}
              - {id: sue, name: Sue, tokenEnv: BATON_AGENT_TOKEN_SUE, role: supervisor}
            workspace:
              resolutionCodes: [%2$s]
              cannedReplies:
                - {title: Looking into it, text: "Thanks for waiting, I'm looking into it now."}
            channels:
              webchat:
                sessionSecretEnv: BATON_WEBCHAT_SECRET_DESK
                allowedOrigins: ["%5$s", "%6$s"]
                title: Desk Dental
                disclosure: You're chatting with Desk Dental's virtual assistant. A person can take over at any time.
          - id: %4$s
            name: Wait Dental
            webhookSecretEnv: BATON_SECRET_WAIT
            callbackUrl: %1$s/callback/%4$s
            skills: {default: reception}
            agents:
              - {id: walt, name: Walt, tokenEnv: BATON_AGENT_TOKEN_WALT, role: supervisor}
            workspace: {queueNoticeAfter: 3s}
          - id: wabiz
            name: Wa Bikes
            webhookSecretEnv: BATON_SECRET_WABIZ
            callbackUrl: %1$s/callback/wabiz
            faq:
              - id: opening-hours
                intent: opening_hours
                examples: [what are your opening hours, when are you open, what time do you open]
                answer: Wa Bikes is open 9am to 5pm, Tuesday to Saturday.
            skills: {default: workshop}
            channels:
              whatsapp:
                phoneNumberId: "106540352242922"
                appSecretEnv: BATON_WA_APP_SECRET_WABIZ
                verifyTokenEnv: BATON_WA_VERIFY_TOKEN_WABIZ
                accessTokenEnv: BATON_WA_ACCESS_TOKEN_WABIZ
                apiBaseUrl: %1$s/graph/v21.0
                missedCallTemplate: {name: missed_call_ack, language: en_US, bodyParameters: [tenantName]}
              twilio:
                accountSid: ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
                authTokenEnv: BATON_TWILIO_AUTH_TOKEN_WABIZ
                numbers: ["+15558675311"]
                apiBaseUrl: %1$s/twilio
              email:
                provider: sendgrid
                addresses: [help@parse.wabikes.example]
                fromAddress: help@wabikes.example
                fromName: Wa Bikes
                sendgrid:
                  apiKeyEnv: BATON_SENDGRID_API_KEY_WABIZ
                  inboundTokenEnv: BATON_SENDGRID_TOKEN_WABIZ
                  basicAuthUserEnv: BATON_SENDGRID_USER_WABIZ
                  basicAuthPasswordEnv: BATON_SENDGRID_PASSWORD_WABIZ
                  apiBaseUrl: %1$s/sendgrid
          - id: twbiz
            name: Tw Plumbing
            webhookSecretEnv: BATON_SECRET_TWBIZ
            callbackUrl: %1$s/callback/twbiz
            faq:
              - id: opening-hours
                intent: opening_hours
                examples: [what are your opening hours, when are you open, what time do you open]
                answer: Tw Plumbing answers calls around the clock.
            channels:
              twilio:
                accountSid: ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
                authTokenEnv: BATON_TWILIO_AUTH_TOKEN_TWBIZ
                numbers: ["+15558675310"]
                whatsappNumber: "+14155238886"
                apiBaseUrl: %1$s/twilio
                missedCallContentSid: HX2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d0e
                missedCallContentVariables: [tenantName]
              email:
                provider: mailgun
                addresses: [support@mg.example.com]
                fromAddress: support@mg.example.com
                fromName: Tw Plumbing
                mailgun:
                  signingKeyEnv: BATON_MAILGUN_SIGNING_KEY_TWBIZ
                  apiKeyEnv: BATON_MAILGUN_API_KEY_TWBIZ
                  domain: mg.example.com
                  apiBaseUrl: %1$s/mailgun
        """
            .formatted(callbackBaseUrl, String.join(", ", RESOLUTION_CODES), DESK_TENANT, WAIT_TENANT,
                WEBCHAT_ORIGIN, originOf(callbackBaseUrl));
    try {
      Path file = Files.createTempFile("baton-tenants-", ".yaml");
      Files.writeString(file, yaml);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
