package dev.baton.gateway;

import dev.baton.testsupport.BatonTestResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * {@link BatonTestResource} with the gateway's own agents: the shared test tenants' alice and gina,
 * plus a supervisor (sam) and an agent whose streams only the connection-cap test opens (carl).
 * A one-second heartbeat makes a new stream answer at once; actions wait two seconds for a result.
 */
public class GatewayTestResource extends BatonTestResource {
  public static final String SUPERVISOR_TOKEN = "test-token-sam-3a7e1c5b9d2f40681";
  public static final String CAPPED_AGENT_TOKEN = "test-token-carl-6d0b8f2e4a1c7e95";
  /** bea works the billing queue only, with room for two conversations. */
  public static final String BILLING_AGENT_TOKEN = "test-token-bea-billing-0123456789abcdef";
  /** initech offers conversations (offer mode) to olga and omar, and reassigns after 3 s without a reply. */
  public static final String OLGA_TOKEN = "test-token-olga-offer-mode-0123456789ab";
  public static final String OMAR_TOKEN = "test-token-omar-offer-mode-0123456789ab";
  /** dan works the reception queue only. */
  public static final String RECEPTION_AGENT_TOKEN = "test-token-dan-reception-0123456789abcd";
  public static final int MAX_STREAMS = 3;
  public static final java.time.Duration ACTION_RESULT_TIMEOUT = java.time.Duration.ofSeconds(2);

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    forgetWorkspaces();
    config.put("BATON_AGENT_TOKEN_SAM", SUPERVISOR_TOKEN);
    config.put("BATON_AGENT_TOKEN_CARL", CAPPED_AGENT_TOKEN);
    config.put("BATON_AGENT_TOKEN_BEA", BILLING_AGENT_TOKEN);
    config.put("BATON_AGENT_TOKEN_DAN", RECEPTION_AGENT_TOKEN);
    config.put("BATON_AGENT_TOKEN_OLGA", OLGA_TOKEN);
    config.put("BATON_AGENT_TOKEN_OMAR", OMAR_TOKEN);
    config.put("BATON_SECRET_INITECH", "test-secret-initech");
    config.put("baton.tenants-file", tenantsFile().toString());
    config.put("gateway.heartbeat", "1s");
    // Actions nobody answers (no handoff service here) are answered PENDING after this.
    config.put("gateway.action-result-timeout", ACTION_RESULT_TIMEOUT.toMillis() + "ms");
    config.put("gateway.stream.max-connections-per-agent", String.valueOf(MAX_STREAMS));
    return config;
  }

  /**
   * The test tenants' conversation views, queues and loads start empty: they outlive a run in the
   * shared Redis, and an agent's load from an earlier run would count against their capacity.
   */
  private static void forgetWorkspaces() {
    try (RedisClient client = RedisClient.create(
        dev.baton.testsupport.TestRedis.host(), dev.baton.testsupport.TestRedis.port())) {
      for (String pattern : java.util.List.of("baton:acme:*", "baton:globex:*", "baton:initech:*")) {
        String cursor = "0";
        do {
          var page = client.scan(cursor, new ScanParams().match(pattern).count(1000));
          if (!page.getResult().isEmpty()) {
            client.del(page.getResult().toArray(String[]::new));
          }
          cursor = page.getCursor();
        } while (!"0".equals(cursor));
      }
    }
  }

  private static Path tenantsFile() {
    String yaml = """
        version: "gateway-test-1"
        tenants:
          - id: acme
            name: Acme Dental
            webhookSecretEnv: BATON_SECRET_ACME
            channels:
              webchat: {sessionSecretEnv: BATON_WEBCHAT_SECRET_DESK, allowedOrigins: ["https://shop.acme.example"]}
            agents:
              - {id: alice, name: Alice, tokenEnv: BATON_AGENT_TOKEN_ALICE, capacity: 50}
              - {id: sam, name: Sam, tokenEnv: BATON_AGENT_TOKEN_SAM, role: supervisor}
              - {id: carl, name: Carl, tokenEnv: BATON_AGENT_TOKEN_CARL}
              - {id: bea, name: Bea, tokenEnv: BATON_AGENT_TOKEN_BEA, skills: [billing], capacity: 2}
              - {id: dan, name: Dan, tokenEnv: BATON_AGENT_TOKEN_DAN, skills: [reception]}
            skills: {billing_dispute: billing, default: reception}
            workspace:
              resolutionCodes: [solved, callback-needed, not-solved]
              cannedReplies:
                - {title: Greeting, text: "Hello, I'm looking into this now."}
          - id: initech
            name: Initech
            webhookSecretEnv: BATON_SECRET_INITECH
            workspace: {routingMode: offer, offerTimeout: 3s, reassignAfterNoReply: 4s}
            agents:
              - {id: olga, name: Olga, tokenEnv: BATON_AGENT_TOKEN_OLGA}
              - {id: omar, name: Omar, tokenEnv: BATON_AGENT_TOKEN_OMAR}
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
