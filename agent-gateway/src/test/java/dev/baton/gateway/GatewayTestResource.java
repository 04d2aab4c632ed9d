package dev.baton.gateway;

import dev.baton.testsupport.BatonTestResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link BatonTestResource} with the gateway's own agents: the shared test tenants' alice and gina,
 * plus a supervisor (sam) and an agent whose streams only the connection-cap test opens (carl).
 * A one-second heartbeat makes a new stream answer at once; actions wait two seconds for a result.
 */
public class GatewayTestResource extends BatonTestResource {
  public static final String SUPERVISOR_TOKEN = "test-token-sam";
  public static final String CAPPED_AGENT_TOKEN = "test-token-carl";
  public static final int MAX_STREAMS = 3;
  public static final java.time.Duration ACTION_RESULT_TIMEOUT = java.time.Duration.ofSeconds(2);

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    config.put("BATON_AGENT_TOKEN_SAM", SUPERVISOR_TOKEN);
    config.put("BATON_AGENT_TOKEN_CARL", CAPPED_AGENT_TOKEN);
    config.put("baton.tenants-file", tenantsFile().toString());
    config.put("gateway.heartbeat", "1s");
    // Actions nobody answers (no handoff service here) are answered PENDING after this.
    config.put("gateway.action-result-timeout", ACTION_RESULT_TIMEOUT.toMillis() + "ms");
    config.put("gateway.stream.max-connections-per-agent", String.valueOf(MAX_STREAMS));
    return config;
  }

  private static Path tenantsFile() {
    String yaml = """
        version: "gateway-test-1"
        tenants:
          - id: acme
            name: Acme Dental
            webhookSecretEnv: BATON_SECRET_ACME
            agents:
              - {id: alice, name: Alice, tokenEnv: BATON_AGENT_TOKEN_ALICE}
              - {id: sam, name: Sam, tokenEnv: BATON_AGENT_TOKEN_SAM, role: supervisor}
              - {id: carl, name: Carl, tokenEnv: BATON_AGENT_TOKEN_CARL}
          - id: globex
            name: Globex
            webhookSecretEnv: BATON_SECRET_GLOBEX
            agents:
              - {id: gina, name: Gina, tokenEnv: BATON_AGENT_TOKEN_GINA}
        """;
    try {
      Path file = Files.createTempFile("baton-gateway-tenants-", ".yaml");
      Files.writeString(file, yaml);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
