package dev.baton.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
  public static final String AGENT_TOKEN = "test-token-alice";
  public static final String OTHER_AGENT_TOKEN = "test-token-gina";

  /** Environment (or config) entries the file refers to. */
  public static final Map<String, String> SECRETS =
      Map.of(
          "BATON_SECRET_ACME", SECRET,
          "BATON_SECRET_ACME_PREVIOUS", PREVIOUS_SECRET,
          "BATON_SECRET_GLOBEX", OTHER_SECRET,
          "BATON_AGENT_TOKEN_ALICE", AGENT_TOKEN,
          "BATON_AGENT_TOKEN_GINA", OTHER_AGENT_TOKEN);

  private TestTenants() {}

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
        """
            .formatted(callbackBaseUrl);
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
