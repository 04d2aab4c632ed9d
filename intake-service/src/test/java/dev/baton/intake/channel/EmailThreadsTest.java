package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.TestRedis;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Which conversation an email joins, against the real Redis; each test has its own tenant. */
class EmailThreadsTest {
  private static RedisClient redis;
  private static EmailThreads threads;
  private static EmailIntake intake;

  @BeforeAll
  static void start() {
    TestRedis.requireRunning();
    redis = RedisClient.create(TestRedis.host(), TestRedis.port());
    threads = new EmailThreads(redis);
    intake = new EmailIntake(null, threads, null);
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  private static String tenant() {
    return "em-threads-" + UUID.randomUUID();
  }

  private static InboundEmail email(String messageId, String inReplyTo, List<String> references) {
    return new InboundEmail(messageId, inReplyTo, references, "alice@example.com", null, List.of("s@x.example"), "s",
        "t", null, null, 0);
  }

  @Test
  void aNewThreadIsNamedByItsRootAndItsRepliesFindItByInReplyTo() {
    String t = tenant();
    String first = intake.conversationOf(t, email("root@a", null, List.of()));
    assertEquals(EmailThreads.newConversation("root@a"), first);
    assertTrue(first.matches("email:[0-9a-f]{40}"), first);
    threads.remember(t, "root@a", first);
    threads.remember(t, "baton.1@x.example", first); // Baton's reply

    assertEquals(first, intake.conversationOf(t, email("reply@a", "baton.1@x.example", List.of())));
  }

  @Test
  void referencesAreTriedNewestFirstWhenInReplyToIsUnknown() {
    String t = tenant();
    threads.remember(t, "old@a", "email:old");
    threads.remember(t, "newer@a", "email:newer");
    assertEquals("email:newer", intake.conversationOf(t, email("x@a", "unknown@a", List.of("old@a", "newer@a", "gone@a"))));
    assertEquals("email:old", intake.conversationOf(t, email("y@a", null, List.of("old@a", "gone@a"))));
  }

  @Test
  void aThreadJoinedLateIsNamedByItsOldestReferenceSoEveryLaterEmailAgrees() {
    String t = tenant();
    String a = intake.conversationOf(t, email("m3@a", "m2@a", List.of("m1@a", "m2@a")));
    assertEquals(EmailThreads.newConversation("m1@a"), a);
    assertEquals(a, intake.conversationOf(t, email("m4@a", null, List.of("m1@a", "m2@a", "m3@a"))));
    threads.remember(t, "m4@a", "email:t1-only");
    assertEquals(EmailThreads.newConversation("m4@a"), intake.conversationOf(tenant(), email("m5@a", "m4@a", List.of())),
        "another tenant's thread map is its own");
  }

  @Test
  void referencesOfAReplyKeepTheNewestOnce() {
    assertEquals(List.of("a", "c", "b"), EmailThreads.references(List.of("a", "b", "c"), "b"));
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add("r" + i);
    }
    List<String> kept = EmailThreads.references(many, "new");
    assertEquals(EmailThreads.MAX_REFERENCES, kept.size());
    assertEquals("new", kept.get(kept.size() - 1));
  }
}
