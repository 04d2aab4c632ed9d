package dev.baton.e2e;

import dev.baton.testsupport.EmbeddedKafka;
import dev.baton.testsupport.FreePorts;
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTenants;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The five packaged services, each a real process (their {@code quarkus-run.jar}), wired to the
 * test JVM's broker, the real Redis and a test tenants file. Logs go to
 * {@code e2e-tests/target/e2e-logs/<service>.log}.
 */
final class BatonProcesses implements AutoCloseable {
  static final List<String> SERVICES =
      List.of("intake-service", "sentiment-service", "routing-service", "handoff-service", "agent-gateway");

  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Path logs;
  private final Path stateDir;
  private final Path tenants;
  private final Path root;

  BatonProcesses(String callbackBaseUrl) throws IOException {
    this(callbackBaseUrl, SERVICES);
  }

  /** Starts only {@code services} (a subset of {@link #SERVICES}). */
  BatonProcesses(String callbackBaseUrl, List<String> services) throws IOException {
    root = Path.of(System.getProperty("baton.root", "..")).toAbsolutePath().normalize();
    logs = root.resolve("e2e-tests/target/e2e-logs");
    Files.createDirectories(logs);
    tenants = TestTenants.write(callbackBaseUrl);
    stateDir = Files.createTempDirectory("baton-e2e-streams-");
    for (String service : services) {
      start(service);
    }
  }

  /** Starts (or restarts, after {@link #kill}) one service on a fresh port. */
  void start(String service) throws IOException {
    Path jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: package the services first (mvn verify from the root)");
    }
    int port = FreePorts.next();
    ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", jar.toString());
    Map<String, String> env = pb.environment();
    env.putAll(TestTenants.SECRETS);
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("KAFKA_BOOTSTRAP_SERVERS", EmbeddedKafka.get().bootstrapServers());
    env.put("BATON_TENANTS_FILE", tenants.toString());
    env.put("BATON_REDIS_HOST", TestRedis.host());
    env.put("BATON_REDIS_PORT", Integer.toString(TestRedis.port()));
    env.put("HANDOFF_STATE_DIR", stateDir.toString());
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(service + ".log").toFile()));
    processes.put(service, pb.start());
    ports.put(service, port);
  }

  /** Kills a service the hard way (SIGKILL): no shutdown hook, no clean close. */
  void kill(String service) throws InterruptedException {
    Process p = processes.remove(service);
    p.destroyForcibly();
    p.waitFor();
  }

  /** Waits until every started service reports ready; fails early if one exits. */
  void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newHttpClient();
    for (String service : processes.keySet()) {
      URI ready = URI.create(url(service, "/q/health/ready"));
      Awaitility.await(service + " ready").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
        Process p = processes.get(service);
        if (!p.isAlive()) {
          throw new IllegalStateException(service + " exited with " + p.exitValue() + "; see " + logs.resolve(service + ".log"));
        }
        try {
          return http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
          return false;
        }
      });
    }
  }

  String url(String service, String path) {
    return "http://127.0.0.1:" + ports.get(service) + path;
  }

  private static String javaBin() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  @Override
  public void close() {
    processes.values().forEach(Process::destroy);
    for (Process p : processes.values()) {
      try {
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
