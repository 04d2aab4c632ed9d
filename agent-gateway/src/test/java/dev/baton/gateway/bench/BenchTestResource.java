package dev.baton.gateway.bench;

import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * {@link BatonTestResource} for {@link AgentNotificationBenchmark}: a tenant of its own (its id is
 * new in every run, so nothing an earlier run or a concurrent test left in the shared Redis
 * counts) with {@link #AGENTS} agents of every queue, each allowed {@link #STREAMS_PER_AGENT}
 * streams. Every other gateway setting is the production default (heartbeat 15 s, sweep 2 s).
 * The tenant's keys are deleted when the gateway stops. Used through {@link BenchProfile}, which
 * leaves out the module's global {@code GatewayTestResource}.
 */
public class BenchTestResource extends BatonTestResource {
  private static final String TENANT_PROPERTY = "baton.bench.tenant";
  public static final int AGENTS = 20;
  public static final int STREAMS_PER_AGENT = 10;

  /**
   * The run's tenant id. Kept in a system property: this class is loaded both by the test
   * resources' class loader and by the application's, and both must name the same tenant.
   */
  public static synchronized String tenant() {
    String tenant = System.getProperty(TENANT_PROPERTY);
    if (tenant == null) {
      tenant = "bench-" + UUID.randomUUID().toString().substring(0, 8);
      System.setProperty(TENANT_PROPERTY, tenant);
    }
    return tenant;
  }

  /** The bearer token of agent {@code i} (0-based); at least 32 characters, as the tenants file requires. */
  public static String token(int i) {
    return "test-token-bench-%02d-0123456789abcdef".formatted(i);
  }

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    config.put("BATON_SECRET_BENCH", "test-secret-bench");
    for (int i = 0; i < AGENTS; i++) {
      config.put(tokenEnv(i), token(i));
    }
    config.put("baton.tenants-file", tenantsFile().toString());
    config.put("gateway.stream.max-connections-per-agent", String.valueOf(STREAMS_PER_AGENT));
    return config;
  }

  @Override
  public void stop() {
    try (RedisClient client = RedisClient.create(TestRedis.host(), TestRedis.port())) {
      String cursor = "0";
      do {
        var page = client.scan(cursor, new ScanParams().match("baton:" + tenant() + ":*").count(1000));
        if (!page.getResult().isEmpty()) {
          client.del(page.getResult().toArray(String[]::new));
        }
        cursor = page.getCursor();
      } while (!"0".equals(cursor));
    }
    super.stop();
  }

  private static String tokenEnv(int i) {
    return "BATON_AGENT_TOKEN_BENCH_%02d".formatted(i);
  }

  private static Path tenantsFile() {
    String agents = IntStream.range(0, AGENTS)
        .mapToObj(i -> "      - {id: agent-%02d, name: Agent %02d, tokenEnv: %s}".formatted(i, i, tokenEnv(i)))
        .collect(Collectors.joining("\n"));
    String yaml = """
        version: "gateway-bench-1"
        tenants:
          - id: %s
            name: Bench Dental
            webhookSecretEnv: BATON_SECRET_BENCH
            skills: {default: reception}
            agents:
        %s
        """.formatted(tenant(), agents);
    try {
      Path file = Files.createTempFile("baton-gateway-bench-tenants-", ".yaml");
      Files.writeString(file, yaml);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
