package dev.baton.intake.channel;

import dev.baton.support.webchat.WebChatStream;
import dev.baton.support.webchat.WebChatStream.Entry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
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
 * Wakes this instance's web chat event streams when their conversation's {@link WebChatStream}
 * grows, whichever instance wrote to it: one thread tails, with one blocking {@code XREAD}, the
 * streams of the conversations that have a visitor connected here (and for {@link #LINGER} after,
 * so a stream between two reads misses nothing). A connection holds no thread while it waits: it
 * holds a future the tail completes. What it then reads, it reads from Redis from its own
 * position ({@link #after}), so however slow the client, nothing is lost and nothing piles up in
 * memory.
 */
@ApplicationScoped
public class WebChatFeed {
  private static final Logger LOG = Logger.getLogger(WebChatFeed.class);
  private static final Duration LINGER = Duration.ofSeconds(30);
  private static final int BLOCK_MILLIS = 1000;

  private final RedisClient redis;
  private final Map<String, Interest> interests = new HashMap<>();
  private volatile boolean running;
  private Thread thread;

  /** A conversation stream someone here reads: where the tail is in it, and who waits. */
  private static final class Interest {
    StreamEntryID position;
    long wantedAt;
    List<CompletableFuture<Void>> waiting = new ArrayList<>();

    Interest(StreamEntryID position) {
      this.position = position;
    }
  }

  public WebChatFeed(RedisClient redis) {
    this.redis = redis;
  }

  void start(@Observes StartupEvent ignored) {
    running = true;
    thread = new Thread(this::run, "baton-webchat-feed");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent ignored) {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /**
   * Up to {@code max} entries after {@code cursor}: at once when there are some, else when the
   * next is written, else an empty list after {@code wait}. Redis is read on a worker.
   */
  public Uni<List<Entry>> after(String key, StreamEntryID cursor, int max, Duration wait) {
    return read(key, cursor, max).onItem().transformToUni(found -> {
      if (!found.isEmpty()) {
        return Uni.createFrom().item(found);
      }
      CompletableFuture<Void> next = register(key, cursor);
      // Read again once registered: an entry written between the read and the registration
      // woke nobody, and is found here.
      return read(key, cursor, max).onItem().transformToUni(again -> {
        if (!again.isEmpty()) {
          return Uni.createFrom().item(again);
        }
        return Uni.createFrom().completionStage(next)
            .ifNoItem().after(wait).recoverWithItem(() -> null)
            .onItem().transformToUni(woken ->
                woken == null && !next.isDone() ? Uni.createFrom().item(List.<Entry>of()) : read(key, cursor, max));
      })
          // However it ends: with entries, empty, failed, or cancelled by a closed connection (its
          // Multi cancels the wait), else the conversation stays tailed for good.
          .onTermination().invoke(() -> unregister(key, next));
    });
  }

  /**
   * Waiters held for {@code key}, done or not: what an SSE connection that went without
   * unregistering would leave behind (the tests' view of the tail).
   */
  int held(String key) {
    synchronized (interests) {
      Interest i = interests.get(key);
      return i == null ? 0 : i.waiting.size();
    }
  }

  private Uni<List<Entry>> read(String key, StreamEntryID cursor, int max) {
    return Uni.createFrom().item(() -> WebChatStream.after(redis, key, cursor, max))
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  private CompletableFuture<Void> register(String key, StreamEntryID cursor) {
    CompletableFuture<Void> next = new CompletableFuture<>();
    synchronized (interests) {
      Interest i = interests.computeIfAbsent(key, k -> new Interest(cursor));
      i.wantedAt = System.currentTimeMillis();
      i.waiting.add(next);
      interests.notifyAll();
    }
    return next;
  }

  private void unregister(String key, CompletableFuture<Void> waiter) {
    synchronized (interests) {
      Interest i = interests.get(key);
      if (i != null) {
        i.waiting.remove(waiter);
        i.wantedAt = System.currentTimeMillis();
      }
    }
  }

  private void run() {
    while (running) {
      try {
        Map<String, StreamEntryID> from = positions();
        if (from.isEmpty()) {
          continue;
        }
        List<Map.Entry<String, List<StreamEntry>>> read =
            redis.xread(XReadParams.xReadParams().block(BLOCK_MILLIS).count(100), from);
        if (read != null) {
          for (Map.Entry<String, List<StreamEntry>> stream : read) {
            if (!stream.getValue().isEmpty()) {
              grew(stream.getKey(), stream.getValue().get(stream.getValue().size() - 1).getID());
            }
          }
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        // Redis away: the connections time out their waits and read again when it is back.
        LOG.warnf("tailing the web chat streams failed, retrying: %s", e.getMessage());
        sleep();
      }
    }
  }

  /** The streams to tail and from where; waits (briefly) while there are none. */
  private Map<String, StreamEntryID> positions() {
    Map<String, StreamEntryID> from = new LinkedHashMap<>();
    synchronized (interests) {
      long now = System.currentTimeMillis();
      for (Iterator<Map.Entry<String, Interest>> it = interests.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Interest> e = it.next();
        // A future done but still held (its connection went before it could unregister) waits for nothing.
        e.getValue().waiting.removeIf(CompletableFuture::isDone);
        if (e.getValue().waiting.isEmpty() && now - e.getValue().wantedAt > LINGER.toMillis()) {
          it.remove();
        } else {
          from.put(e.getKey(), e.getValue().position);
        }
      }
      if (from.isEmpty()) {
        try {
          interests.wait(BLOCK_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running = false;
        }
      }
    }
    return from;
  }

  private void grew(String key, StreamEntryID last) {
    List<CompletableFuture<Void>> wake;
    synchronized (interests) {
      Interest i = interests.get(key);
      if (i == null) {
        return;
      }
      i.position = last;
      wake = i.waiting;
      i.waiting = new ArrayList<>();
    }
    wake.forEach(f -> f.complete(null));
  }

  private static void sleep() {
    try {
      TimeUnit.SECONDS.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
