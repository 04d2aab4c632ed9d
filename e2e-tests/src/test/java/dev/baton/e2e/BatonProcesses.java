package dev.baton.e2e;

import dev.baton.tenant.WebhookSignature;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;

/**
 * The five packaged services, each a real process (their {@code quarkus-run.jar}), wired to the
 * test JVM's broker (or another one), the real Redis and a test tenants file. Logs go to
 * {@code e2e-tests/target/e2e-logs/<service>.log}.
 *
 * <p>A service can be {@link #kill killed} (SIGKILL) and {@link #start started} again on the same
 * port, and a second instance of a module runs as {@code "<module>#2"}. The services run with
 * their own consumer-group settings (a 10 s session timeout): what the tests measure of recovery
 * is what a deployment gets.
 */
final class BatonProcesses implements AutoCloseable {
  static final List<String> SERVICES =
      List.of("intake-service", "sentiment-service", "routing-service", "handoff-service", "agent-gateway");

  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();
  private final Path logs;
  private final Path stateDir;
  private final Path tenants;
  private final Path root;
  private final String bootstrapServers;

  BatonProcesses(String callbackBaseUrl) throws IOException {
    this(callbackBaseUrl, SERVICES);
  }

  /** Starts only {@code services} (a subset of {@link #SERVICES}). */
  BatonProcesses(String callbackBaseUrl, List<String> services) throws IOException {
    this(callbackBaseUrl, services, EmbeddedKafka.get().bootstrapServers());
  }

  /** Starts {@code services} on another broker than the test JVM's (e.g. a {@code KafkaBrokerProcess}). */
  BatonProcesses(String callbackBaseUrl, List<String> services, String bootstrapServers) throws IOException {
    this.bootstrapServers = bootstrapServers;
    root = root();
    logs = logs();
    Files.createDirectories(logs);
    tenants = TestTenants.write(callbackBaseUrl);
    stateDir = Files.createTempDirectory("baton-e2e-streams-");
    for (String service : services) {
      start(service);
    }
  }

  /** The repository's root. */
  private static Path root() {
    return Path.of(System.getProperty("baton.root", "..")).toAbsolutePath().normalize();
  }

  /** Where the processes' logs go. */
  static Path logs() {
    return root().resolve("e2e-tests/target/e2e-logs");
  }

  /**
   * Starts one service on a free port, or restarts it after {@link #kill} on the port it had, as a
   * restarted instance behind the same address would be.
   */
  void start(String service) throws IOException {
    // "agent-gateway#2": a second instance of the same module, on a port of its own.
    String module = service.contains("#") ? service.substring(0, service.indexOf('#')) : service;
    Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: package the services first (mvn verify from the root)");
    }
    int port = ports.computeIfAbsent(service, s -> FreePorts.next());
    ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", jar.toString());
    Map<String, String> env = pb.environment();
    env.putAll(TestTenants.SECRETS);
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("BATON_TENANTS_FILE", tenants.toString());
    env.put("BATON_REDIS_HOST", TestRedis.host());
    env.put("BATON_REDIS_PORT", Integer.toString(TestRedis.port()));
    // Each instance its own state directory, kept across its restarts, as a StatefulSet's volume.
    env.put("HANDOFF_STATE_DIR", stateDir.resolve(service.replace('#', '-')).toString());
    // As in the prod overlay: with a second handoff instance, each task's stores kept warm on it.
    env.put("HANDOFF_STANDBY_REPLICAS", "1");
    // A claim left pending by a killed intake stops refusing retries after this (default 30 s;
    // still above the 10 s publish timeout plus the producer's 5 s max.block.ms).
    env.put("INTAKE_CLAIM_TIMEOUT", "20s");
    // Agents go offline (and their conversations back to the queue) in seconds, not 45 s; an open
    // stream's heartbeat keeps them online well within it.
    env.put("GATEWAY_HEARTBEAT", "2s");
    env.put("GATEWAY_PRESENCE_TTL", "8s");
    // The routing service keeps agents' intent corrections in a CSV: with the test's artifacts,
    // not in the working directory (the module's source tree).
    env.put("ROUTING_FEEDBACK_FILE", root.resolve("e2e-tests/target/intent-feedback.csv").toString());
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(service.replace('#', '-') + ".log").toFile()));
    processes.put(service, pb.start());
  }

  /** Kills a service the hard way (SIGKILL): no shutdown hook, no clean close. */
  void kill(String service) throws InterruptedException {
    Process p = processes.remove(service);
    p.destroyForcibly();
    p.waitFor();
  }

  /**
   * Stops a service as Kubernetes stops a pod (SIGTERM), and waits for it to exit; returns how
   * long that took. Fails if it is still running 30 s later (Kubernetes' grace period).
   */
  Duration stop(String service) {
    Process p = processes.remove(service);
    long stopping = System.nanoTime();
    p.destroy();
    try {
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(service + " still running 30 s after SIGTERM; see its log");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return Duration.ofNanos(System.nanoTime() - stopping);
  }

  /** Waits until every started service reports ready; fails early if one exits. */
  void awaitReady(Duration timeout) {
    for (String service : List.copyOf(processes.keySet())) {
      awaitReady(service, timeout);
    }
  }

  /** Waits until one started service reports ready; fails early if it exits. */
  void awaitReady(String service, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI ready = URI.create(url(service, "/q/health/ready"));
    Awaitility.await(service + " ready").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
      Process p = processes.get(service);
      if (!p.isAlive()) {
        throw new IllegalStateException(service + " exited with " + p.exitValue() + "; see " + logs.resolve(service + ".log"));
      }
      try {
        HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException notYet) {
        return false;
      }
    });
  }

  /** Posts a channel event to the intake, signed with the tenant's secret as a provider would. */
  HttpResponse<String> postEvent(String secret, String body) throws IOException, InterruptedException {
    long ts = Instant.now().getEpochSecond();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(url("intake-service", "/v1/events")))
        .header("Content-Type", "application/json")
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
        .header(WebhookSignature.SIGNATURE_HEADER,
            WebhookSignature.sign(secret, ts, bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    return EVENTS.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static final HttpClient EVENTS = HttpClient.newHttpClient();

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
