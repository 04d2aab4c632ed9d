package dev.baton.intake.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.support.webchat.WebChatStream;
import dev.baton.support.webchat.WebChatStream.Entry;
import dev.baton.testsupport.TestRedis;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/** The tail's waiters against the real Redis: each wait, however it ends, leaves nothing behind. */
class WebChatFeedTest {
  private static final StreamEntryID START = new StreamEntryID(0, 0);
  private static RedisClient redis;
  private WebChatFeed feed;

  @BeforeAll
  static void connect() {
    TestRedis.requireRunning();
    redis = RedisClient.create(TestRedis.host(), TestRedis.port());
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  @BeforeEach
  void start() {
    feed = new WebChatFeed(redis);
    feed.start(null);
  }

  @AfterEach
  void stop() {
    feed.stop(null);
  }

  @Test
  void aWaitCancelledByAClosedConnectionIsNoLongerHeld() {
    String tenant = "feed-" + UUID.randomUUID();
    List<String> keys = List.of(WebChatStream.key(tenant, "webchat:a"), WebChatStream.key(tenant, "webchat:b"));
    for (String key : keys) {
      // What an SSE connection does: waits for its conversation's next entry, then goes (cancels).
      Cancellable connection = feed.after(key, START, 10, Duration.ofMinutes(5)).subscribe().with(batch -> {});
      await().atMost(Duration.ofSeconds(10)).until(() -> feed.held(key) == 1);
      connection.cancel();
    }
    for (String key : keys) {
      await().atMost(Duration.ofSeconds(10)).until(() -> feed.held(key) == 0);
    }
  }

  @Test
  void aWaitWokenByAnEntryOrEndedByItsTimeoutIsNoLongerHeld() {
    String tenant = "feed-" + UUID.randomUUID();
    String key = WebChatStream.key(tenant, "webchat:c");
    AtomicReference<List<Entry>> woken = new AtomicReference<>();
    feed.after(key, START, 10, Duration.ofMinutes(5)).subscribe().with(woken::set);
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.held(key) == 1);
    WebChatStream.appendOnce(redis, tenant, "webchat:c", "m-1", WebChatStream.MESSAGE,
        WebChatStream.messageData("m-1", "bot", null, "hello", Instant.now(), null));
    await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() != null);
    assertEquals(1, woken.get().size());
    assertEquals(0, feed.held(key));

    AtomicReference<List<Entry>> quiet = new AtomicReference<>();
    feed.after(key, woken.get().get(0).id(), 10, Duration.ofMillis(200)).subscribe().with(quiet::set);
    await().atMost(Duration.ofSeconds(10)).until(() -> quiet.get() != null);
    assertEquals(List.of(), quiet.get(), "nothing written: an empty batch (the heartbeat)");
    assertEquals(0, feed.held(key));
  }
}
