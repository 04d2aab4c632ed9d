package dev.baton.gateway.service;

import dev.baton.gateway.config.GatewayConfig;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * This instance's view of every tenant's event log as it grows: one thread tails all the logs
 * with a blocking {@code XREAD} (every gateway instance does, which is how an event appended by
 * whichever instance consumed its Kafka record reaches the agents connected to all of them),
 * keeps the newest {@code gateway.stream.recent} entries per tenant in memory and wakes the
 * streams waiting for them. A stream that is caught up reads from memory; one that is behind
 * (a reconnect, a slow client) reads the log in Redis from its position, so no event is lost
 * however far behind it is, and memory stays bounded however slow the client.
 */
@ApplicationScoped
public class LiveLog {
  private static final Logger LOG = Logger.getLogger(LiveLog.class);
  private static final int READ_COUNT = 500;

  private final RedisClient redis;
  private final EventLog log;
  private final List<String> tenantIds;
  private final int recent;
  private final Map<String, Tail> tails = new HashMap<>();
  private volatile boolean running;
  private Thread thread;

  /** One tenant's newest entries and the streams waiting for more. */
  private static final class Tail {
    StreamEntryID last = new StreamEntryID(0, 0);
    final ArrayDeque<LogEntry> recent = new ArrayDeque<>();
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
  }

  public LiveLog(RedisClient redis, EventLog log, TenantDirectory tenants, GatewayConfig config) {
    this.redis = redis;
    this.log = log;
    this.tenantIds = tenants.all().stream().map(TenantConfig::id).toList();
    this.recent = config.stream().recent();
    for (String t : tenantIds) {
      tails.put(t, new Tail());
    }
  }

  void start(@Observes StartupEvent ignored) {
    running = true;
    thread = new Thread(this::run, "baton-live-log");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent ignored) {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void run() {
    boolean started = false;
    while (running) {
      try {
        if (!started) {
          for (String t : tenantIds) {
            StreamEntryID last = log.last(t);
            synchronized (tails.get(t)) {
              tails.get(t).last = last;
            }
          }
          started = true;
        }
        Map<String, StreamEntryID> from = new LinkedHashMap<>();
        for (String t : tenantIds) {
          synchronized (tails.get(t)) {
            from.put(EventLog.eventsKey(t), tails.get(t).last);
          }
        }
        List<Map.Entry<String, List<StreamEntry>>> read =
            redis.xread(XReadParams.xReadParams().block(1000).count(READ_COUNT), from);
        if (read == null) {
          continue;
        }
        for (Map.Entry<String, List<StreamEntry>> stream : read) {
          String tenant = tenantOf(stream.getKey());
          List<LogEntry> entries = stream.getValue().stream().map(LogEntry::of).toList();
          if (tenant != null && !entries.isEmpty()) {
            added(tenant, entries);
          }
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        // Redis away: streams keep their positions and catch up from the log when it is back.
        LOG.warnf("tailing the event logs failed, retrying: %s", e.getMessage());
        sleep();
      }
    }
  }

  private void added(String tenant, List<LogEntry> entries) {
    Tail tail = tails.get(tenant);
    List<CompletableFuture<Void>> wake;
    synchronized (tail) {
      for (LogEntry e : entries) {
        tail.recent.addLast(e);
        if (tail.recent.size() > recent) {
          tail.recent.removeFirst();
        }
      }
      tail.last = entries.get(entries.size() - 1).id();
      wake = tail.waiting;
      tail.waiting = new ArrayList<>();
    }
    wake.forEach(f -> f.complete(null));
  }

  private static String tenantOf(String key) {
    // baton:<tenant>:events
    int end = key.lastIndexOf(':');
    return key.startsWith("baton:") && end > 6 ? key.substring(6, end) : null;
  }

  private static void sleep() {
    try {
      TimeUnit.SECONDS.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The newest position this instance has seen in the tenant's log. */
  public StreamEntryID position(String tenantId) {
    Tail tail = tails.get(tenantId);
    synchronized (tail) {
      return tail.last;
    }
  }

  public boolean knows(String tenantId) {
    return tails.containsKey(tenantId);
  }

  /**
   * Up to {@code max} entries after {@code cursor}: at once when there are some, else when the
   * next arrives, else an empty list after {@code wait}. Never on the event loop's time: reads of
   * the log in Redis run on a worker.
   */
  public Uni<List<LogEntry>> after(String tenantId, StreamEntryID cursor, int max, Duration wait) {
    Tail tail = tails.get(tenantId);
    CompletableFuture<Void> next;
    synchronized (tail) {
      if (cursor.compareTo(tail.last) < 0) {
        LogEntry first = tail.recent.peekFirst();
        if (first != null && cursor.compareTo(first.id()) >= 0) {
          List<LogEntry> out = new ArrayList<>(Math.min(max, tail.recent.size()));
          for (LogEntry e : tail.recent) {
            if (e.id().compareTo(cursor) > 0) {
              out.add(e);
              if (out.size() == max) {
                break;
              }
            }
          }
          return Uni.createFrom().item(out);
        }
        // Behind what memory holds: the log in Redis has everything since.
        return Uni.createFrom().item(() -> log.after(tenantId, cursor, max))
            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
      }
      next = new CompletableFuture<>();
      tail.waiting.add(next);
    }
    return Uni.createFrom().completionStage(next)
        .ifNoItem().after(wait).recoverWithItem(() -> null)
        .onItem().transformToUni(ignored -> {
          synchronized (tail) {
            tail.waiting.remove(next);
            if (cursor.compareTo(tail.last) >= 0) {
              return Uni.createFrom().item(List.<LogEntry>of());
            }
          }
          return after(tenantId, cursor, max, wait);
        });
  }
}
