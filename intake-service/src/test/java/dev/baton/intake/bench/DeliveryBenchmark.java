package dev.baton.intake.bench;

import dev.baton.intake.delivery.DeliveryEngine;
import dev.baton.intake.delivery.PartnerCallbacks;
import dev.baton.intake.delivery.PartnerCallbacks.Mode;
import dev.baton.intake.delivery.PartnerCallbacks.Received;
import dev.baton.intake.delivery.PartnerTestResource;
import dev.baton.intake.delivery.WebhookChannel;
import dev.baton.schemas.Channel;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.tenant.TenantDirectory;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;

/**
 * Load tool, not a test: the other tenants' reply-delivery latency while one tenant's partner is
 * (a) healthy, (b) answering 500, (c) trickling its answer's body. It drives the real delivery
 * engine and webhook channel (production defaults: 6 attempts, 500 ms-30 s backoff, 5 s attempt
 * deadline, 32 exchanges in all, 8 per tenant) against loopback partner callbacks; messages are
 * fed in one stream, as from one partition, waiting for admission as the Kafka consumer does.
 * Latency runs from a message's scheduled send time to its arrival at the partner, so a stall in
 * the feed counts. Kafka and Redis are left out (constant costs that a slow partner does not
 * change); the delivered marks are kept in memory.
 *
 * <p>Run: {@code mvn -B -ntp -pl intake-service -am test -Pbench -DskipTests}; options
 * {@code -Dbench.seconds=15 -Dbench.rate=20 -Dbench.tenants=4} (per-tenant rate in messages per
 * second, other tenants besides the failing one).
 */
public final class DeliveryBenchmark {
  private static final String VICTIM = "victim";

  private record Result(String scenario, int sent, int delivered, double p50, double p99, double max,
      int victimSent, int victimDelivered, int victimDeadLettered) {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.jboss.logging.provider", "jdk");
    java.util.logging.Logger.getLogger("").setLevel(Level.SEVERE);
    Arrays.stream(java.util.logging.Logger.getLogger("").getHandlers()).forEach(h -> h.setLevel(Level.SEVERE));
    int seconds = Integer.getInteger("bench.seconds", 15);
    int rate = Integer.getInteger("bench.rate", 20);
    int others = Integer.getInteger("bench.tenants", 4);
    System.out.printf("delivery benchmark: %d other tenants + 1, %d msg/s each, %d s per scenario, 10 conversations per tenant%n",
        others, rate, seconds);
    List<Result> results = new ArrayList<>();
    results.add(run("warm-up (not reported)", Mode.HEALTHY, Math.min(5, seconds), rate, others));
    results.clear();
    results.add(run("(a) all healthy", Mode.HEALTHY, seconds, rate, others));
    results.add(run("(b) victim answers 500", Mode.FAILING, seconds, rate, others));
    results.add(run("(c) victim trickles its body", Mode.TRICKLING, seconds, rate, others));
    System.out.println();
    System.out.printf("%-30s %8s %9s %8s %8s %8s   %s%n", "scenario", "others", "delivered", "p50 ms", "p99 ms", "max ms",
        "victim sent/delivered/dead-lettered");
    for (Result r : results) {
      System.out.printf("%-30s %8d %9d %8.1f %8.1f %8.1f   %d/%d/%d%n", r.scenario(), r.sent(), r.delivered(), r.p50(),
          r.p99(), r.max(), r.victimSent(), r.victimDelivered(), r.victimDeadLettered());
    }
    double base = results.get(0).p99();
    for (Result r : results.subList(1, results.size())) {
      System.out.printf("%s: others' p99 %.2fx healthy (target <= 2x)%n", r.scenario(), r.p99() / base);
    }
    // Mutiny's timer threads (the retry backoff) are not daemons: let the JVM (or exec:java) end.
    Infrastructure.getDefaultWorkerPool().shutdownNow();

  }

  private static Result run(String scenario, Mode victimMode, int seconds, int rate, int others) throws Exception {
    List<String> tenants = new ArrayList<>();
    tenants.add(VICTIM);
    for (int i = 1; i <= others; i++) {
      tenants.add("tenant-" + i);
    }
    try (PartnerCallbacks partners = new PartnerCallbacks()) {
      partners.trickle(Duration.ofMillis(200), Duration.ofSeconds(120));
      Path file = PartnerTestResource.tenantsFile(partners.baseUrl(), tenants.toArray(String[]::new));
      TenantDirectory directory = TenantDirectory.load(file, name -> "bench-secret-" + name);
      ExecutorService blocking = Executors.newFixedThreadPool(4);
      Set<String> marks = ConcurrentHashMap.newKeySet();
      AtomicInteger deadLettered = new AtomicInteger();
      DeliveryEngine engine = new DeliveryEngine(directory::find, List.of(new WebhookChannel(Duration.ofSeconds(5))),
          new DeliveryEngine.DeliveredMarks() {
            @Override
            public boolean isDelivered(String tenantId, String messageId) {
              return marks.contains(messageId);
            }

            @Override
            public void markDelivered(String tenantId, String messageId) {
              marks.add(messageId);
            }
          },
          blocking,
          new DeliveryEngine.Settings(6, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60), 32, 8, 2000));
      partners.mode(VICTIM, victimMode);

      Map<String, Long> due = new HashMap<>();
      int victimSent = 0;
      long start = System.nanoTime();
      long interval = 1_000_000_000L / ((long) rate * tenants.size());
      int total = seconds * rate * tenants.size();
      for (int i = 0; i < total; i++) {
        long at = start + i * interval;
        LockSupport.parkNanos(at - System.nanoTime());
        String tenant = tenants.get(i % tenants.size());
        int conversation = (i / tenants.size()) % 10;
        OutboundMessage m = new OutboundMessage(SchemaVersions.CURRENT, "msg-" + i + "-" + System.nanoTime(), tenant,
            tenant + "-conv-" + conversation, Channel.WEBCHAT, null, Speaker.BOT, null, "reply " + i, "bench", "ev-" + i,
            Instant.now());
        if (tenant.equals(VICTIM)) {
          victimSent++;
        } else {
          due.put(m.messageId(), at);
        }
        engine.submit(m, reason -> {
          deadLettered.incrementAndGet();
          return CompletableFuture.completedFuture(null);
        }).admitted().toCompletableFuture().join();
      }
      long waitUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (countArrived(partners, due) < due.size() && System.nanoTime() < waitUntil) {
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
      double[] latencies = partners.received().stream()
          .filter(r -> due.containsKey(r.messageId()))
          .mapToDouble(r -> (r.atNanos() - due.get(r.messageId())) / 1e6)
          .sorted()
          .toArray();
      int victimDelivered = (int) partners.received().stream().filter(r -> r.tenant().equals(VICTIM)).count();
      int victimDead = deadLettered.get();
      // Let the victim's backlog drain (healthy again) so it does not weigh on the next scenario.
      partners.mode(VICTIM, Mode.HEALTHY);
      long drainUntil = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (engine.pending() > 0 && System.nanoTime() < drainUntil) {
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
      blocking.shutdownNow();
      Result r = new Result(scenario, due.size(), latencies.length, percentile(latencies, 50), percentile(latencies, 99),
          latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1], victimSent, victimDelivered, victimDead);
      System.out.printf("%s: others p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d/%d delivered)%n", scenario, r.p50(), r.p99(),
          r.max(), r.delivered(), r.sent());
      return r;
    }
  }

  private static long countArrived(PartnerCallbacks partners, Map<String, Long> due) {
    return partners.received().stream().map(Received::messageId).filter(due::containsKey).distinct().count();
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
