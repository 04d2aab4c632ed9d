package dev.baton.intake.channel;

import dev.baton.schemas.serde.Json;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * How a live call's webhook gets Baton's asynchronous answer. Twilio asks for the next TwiML
 * synchronously (after the caller spoke, or fell silent) and waits up to 15 s; Baton decides
 * asynchronously (the pipeline, then the handoff engine's outbound message, delivered by whichever
 * intake instance owns that partition). So:
 *
 * <ul>
 *   <li>the deliverer {@link #offer}s the words to the call: appended to the call's list in Redis
 *       ({@code baton:<tenant>:voice:<CallSid>:replies}, expiring), then a wake-up published on
 *       {@code baton:voice:wake};
 *   <li>the webhook request {@link #next awaits} them without holding a thread: a future completed
 *       when this instance's subscriber hears the wake-up for that call and takes the list, or
 *       empty after the wait, when the call is answered with a short pause and a redirect back,
 *       which waits again.
 * </ul>
 *
 * Nothing is lost between two waits: the words stay in the list until a request takes them.
 */
@ApplicationScoped
public class VoiceCalls {
  private static final Logger LOG = Logger.getLogger(VoiceCalls.class);
  static final String WAKE = "baton:voice:wake";
  private static final long REPLIES_TTL_SECONDS = 120;

  /** What the bot says next on a call; {@code transfer} ends the bot's part. */
  public record Reply(String text, boolean transfer) {}

  /** Whether the bot still speaks on a call. */
  public enum State { LIVE, TRANSFERRED, ENDED }

  private final RedisClient redis;
  private final Executor blocking = Infrastructure.getDefaultWorkerPool();
  private final Map<String, CompletableFuture<List<Reply>>> waiting = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private volatile JedisPubSub subscriber;

  public VoiceCalls(RedisClient redis) {
    this.redis = redis;
  }

  void start(@Observes StartupEvent ev) {
    Thread t = new Thread(this::listen, "baton-voice-wake");
    t.setDaemon(true);
    t.start();
  }

  void stop(@Observes ShutdownEvent ev) {
    running = false;
    JedisPubSub s = subscriber;
    if (s != null && s.isSubscribed()) {
      s.unsubscribe();
    }
  }

  /** Gives the call its next words (blocking: Redis). */
  public void offer(String tenantId, String callSid, Reply reply) {
    String key = key(tenantId, callSid);
    redis.rpush(key, Json.write(reply));
    redis.expire(key, REPLIES_TTL_SECONDS);
    redis.publish(WAKE, tenantId + "/" + callSid);
  }

  /**
   * The call's next words: at once when they are waiting, else when they arrive, else an empty
   * list after {@code wait}.
   */
  public CompletionStage<List<Reply>> next(String tenantId, String callSid, Duration wait) {
    String id = tenantId + "/" + callSid;
    CompletableFuture<List<Reply>> future = new CompletableFuture<>();
    CompletableFuture<List<Reply>> previous = waiting.put(id, future);
    if (previous != null) {
      previous.complete(List.of()); // Twilio moved on: the older request is answered with a hold
    }
    future.whenComplete((r, e) -> waiting.remove(id, future));
    // Registered first, then looked: words offered in between are found by one or the other.
    blocking.execute(() -> take(id, future));
    return future.completeOnTimeout(List.of(), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void take(String id, CompletableFuture<List<Reply>> future) {
    if (future.isDone()) {
      return;
    }
    int slash = id.indexOf('/');
    String key = key(id.substring(0, slash), id.substring(slash + 1));
    try {
      List<String> raw = redis.lpop(key, 50);
      if (raw == null || raw.isEmpty()) {
        return;
      }
      List<Reply> replies = new ArrayList<>(raw.size());
      raw.forEach(r -> replies.add(Json.read(r, Reply.class)));
      if (!future.complete(replies)) {
        // The request was answered meanwhile (timed out): keep the words for the next one.
        List<String> back = new ArrayList<>(raw);
        java.util.Collections.reverse(back);
        redis.lpush(key, back.toArray(String[]::new));
        redis.publish(WAKE, id);
      }
    } catch (RuntimeException e) {
      LOG.warnf("cannot read the replies of call %s: %s", id, e.toString());
    }
  }

  private void listen() {
    long backoff = 500;
    while (running) {
      JedisPubSub s = new JedisPubSub() {
        @Override
        public void onMessage(String channel, String id) {
          CompletableFuture<List<Reply>> future = waiting.get(id);
          if (future != null) {
            blocking.execute(() -> take(id, future));
          }
        }
      };
      subscriber = s;
      try {
        redis.subscribe(s, WAKE);
        backoff = 500;
      } catch (RuntimeException e) {
        if (running) {
          LOG.warnf("voice wake-ups lost their Redis connection (%s); reconnecting", e.toString());
          sleep(backoff);
          backoff = Math.min(10_000, backoff * 2);
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The call is with the agents now, or over: what is offered afterwards is refused. */
  public void mark(String tenantId, String callSid, State state) {
    redis.set(stateKey(tenantId, callSid), state.name(), SetParams.setParams().ex(86_400));
  }

  public State state(String tenantId, String callSid) {
    String v = redis.get(stateKey(tenantId, callSid));
    return v == null ? State.LIVE : State.valueOf(v);
  }

  private static String stateKey(String tenantId, String callSid) {
    return "baton:" + tenantId + ":voice:" + callSid + ":state";
  }

  static String key(String tenantId, String callSid) {
    return "baton:" + tenantId + ":voice:" + callSid + ":replies";
  }
}
