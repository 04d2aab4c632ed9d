package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

  private static final String ALICE = "alice@example.com";

  private static InboundEmail email(String messageId, String inReplyTo, List<String> references) {
    return email(ALICE, messageId, inReplyTo, references);
  }

  private static InboundEmail email(String from, String messageId, String inReplyTo, List<String> references) {
    return new InboundEmail(messageId, inReplyTo, references, from, null, List.of("s@x.example"), "s", "t", null,
        null, 0);
  }

  /** What the intake leaves after the customer's first email of {@code conversation}. */
  private static void opened(String t, String conversation, String customer, String messageId) {
    threads.remember(t, messageId, conversation);
    threads.update(t, conversation, new EmailThreads.Thread(customer, null, "s", messageId, List.of(messageId)));
  }

  @Test
  void aNewThreadIsNamedByItsRootAndSenderAndItsRepliesFindItByInReplyTo() {
    String t = tenant();
    String first = intake.conversationOf(t, email("root@a", null, List.of()));
    assertEquals(EmailThreads.newConversation("root@a", ALICE), first);
    assertTrue(first.matches("email:[0-9a-f]{40}"), first);
    opened(t, first, ALICE, "root@a");
    threads.remember(t, "baton.1@x.example", first); // Baton's reply

    assertEquals(first, intake.conversationOf(t, email("reply@a", "baton.1@x.example", List.of())));
  }

  @Test
  void referencesAreTriedNewestFirstWhenInReplyToIsUnknown() {
    String t = tenant();
    opened(t, "email:old", ALICE, "old@a");
    opened(t, "email:newer", ALICE, "newer@a");
    assertEquals("email:newer", intake.conversationOf(t, email("x@a", "unknown@a", List.of("old@a", "newer@a", "gone@a"))));
    assertEquals("email:old", intake.conversationOf(t, email("y@a", null, List.of("old@a", "gone@a"))));
  }

  @Test
  void aThreadJoinedLateIsNamedByItsOldestReferenceSoEveryLaterEmailAgrees() {
    String t = tenant();
    String a = intake.conversationOf(t, email("m3@a", "m2@a", List.of("m1@a", "m2@a")));
    assertEquals(EmailThreads.newConversation("m1@a", ALICE), a);
    assertEquals(a, intake.conversationOf(t, email("m4@a", null, List.of("m1@a", "m2@a", "m3@a"))));
    opened(t, "email:t1-only", ALICE, "m4@a");
    assertEquals(EmailThreads.newConversation("m4@a", ALICE),
        intake.conversationOf(tenant(), email("m5@a", "m4@a", List.of())), "another tenant's thread map is its own");
  }

  @Test
  void anotherSenderCitingTheThreadOpensTheirOwnConversationAndTheCustomersThreadStays() {
    String t = tenant();
    String victim = intake.conversationOf(t, email("v1@a", null, List.of()));
    opened(t, victim, ALICE, "v1@a");
    threads.remember(t, "baton.1@x.example", victim);

    // Someone who learnt the Message-IDs, and a colleague on Cc answering Baton's reply.
    for (String other : List.of("attacker@x.example", "colleague@example.com")) {
      EmailIntake.Placed p = intake.place(t, email(other, "o-" + other, "baton.1@x.example", List.of("v1@a", "baton.1@x.example")));
      assertNotEquals(victim, p.conversation(), other);
      assertEquals(EmailThreads.newConversation("v1@a", other), p.conversation(), other);
      assertNull(p.thread(), "no thread of theirs yet: " + other);
    }
    // The customer's own answer, even to the colleague's email (known in the colleague's conversation), comes home.
    threads.remember(t, "o-colleague@example.com", EmailThreads.newConversation("v1@a", "colleague@example.com"));
    EmailIntake.Placed home = intake.place(t, email("v2@a", "o-colleague@example.com", List.of("v1@a", "o-colleague@example.com")));
    assertEquals(victim, home.conversation());
    assertEquals(ALICE, home.thread().customerAddress());
  }

  @Test
  void aConversationWithoutAThreadIsNotJoinedByWhoeverCitesIt() {
    String t = tenant();
    threads.remember(t, "baton.2@x.example", "wa:some-conversation"); // Baton's email, no customer email of it
    assertEquals(EmailThreads.newConversation("baton.2@x.example", ALICE),
        intake.conversationOf(t, email("r@a", "baton.2@x.example", List.of())));
  }

  @Test
  void theThreadAdvancesToNewerEmailsOnly() {
    EmailThreads.Thread known = new EmailThreads.Thread(ALICE, "Alice", "Leak", "m3@a", List.of("m1@a", "m2@a", "m3@a"));
    // m2 arrives late (a provider's retry days later): the thread stays at m3.
    assertNull(EmailIntake.next(known, email("m2@a", "m1@a", List.of("m1@a"))));
    assertNull(EmailIntake.next(known, email("m3@a", "m2@a", List.of("m1@a", "m2@a"))));
    // A newer one moves it on.
    EmailThreads.Thread after = EmailIntake.next(known, new InboundEmail("m4@a", "m3@a", List.of("m1@a", "m2@a", "m3@a"),
        ALICE, null, List.of("s@x.example"), "Re: Leak", "t", null, null, 0));
    assertEquals("m4@a", after.lastMessageId());
    assertEquals(List.of("m1@a", "m2@a", "m3@a", "m4@a"), after.references());
    assertEquals("Re: Leak", after.subject());
    assertEquals("Alice", after.customerName(), "kept when the new email names no one");
    // The newest without a Message-ID keeps the last one a reply can answer.
    EmailThreads.Thread noId = EmailIntake.next(known, email(null, "m3@a", List.of("m1@a", "m2@a", "m3@a")));
    assertEquals("m3@a", noId.lastMessageId());
    assertEquals(known.references(), noId.references());
    // A first email opens the thread.
    EmailThreads.Thread first = EmailIntake.next(null, email("n1@a", null, List.of()));
    assertEquals(new EmailThreads.Thread(ALICE, null, "s", "n1@a", List.of("n1@a")), first);
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
