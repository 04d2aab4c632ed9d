package dev.baton.intake.delivery;

import static dev.baton.intake.delivery.PartnerTestResource.FAST;
import static dev.baton.intake.delivery.PartnerTestResource.SLOW;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.delivery.PartnerCallbacks.Mode;
import dev.baton.intake.delivery.PartnerCallbacks.Received;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.EmbeddedKafka;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One tenant's failing or slow partner must not delay another tenant; a conversation's messages
 * keep their order under retry; what cannot be delivered is dead-lettered; nothing is sent twice;
 * nothing is committed before it is done. The messages of both tenants share one record key (so
 * one partition, the worst case for an ordered consumer), which also shows that order and
 * fairness come from the message's tenant and conversation, not from the key's format.
 */
@QuarkusTest
@TestProfile(PartnerTestProfile.class)
class OutboundDeliveryFairnessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static KafkaProducer<String, byte[]> producer;
  private static Admin admin;

  private final PartnerCallbacks partners = PartnerTestResource.partners();

  @BeforeAll
  static void clients() {
    String bootstrap = EmbeddedKafka.get().bootstrapServers();
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new StringSerializer(), new ByteArraySerializer());
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  @AfterAll
  static void closeClients() {
    producer.close();
    admin.close();
  }

  @AfterEach
  void healthyAgain() {
    partners.reset();
  }

  private static OutboundMessage reply(String tenant, String conversationId, String text) {
    return new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(), tenant, conversationId,
        Channel.WEBCHAT, new Customer("c1", "Ana", null, null), Speaker.BOT, null, text, "faq:opening-hours",
        "ev-1", Instant.now());
  }

  private static String conversation() {
    return "conv-" + UUID.randomUUID();
  }

  private static String sharedKey() {
    return "shared-" + UUID.randomUUID();
  }

  private static RecordMetadata publish(String key, OutboundMessage m) {
    try {
      return producer.send(new ProducerRecord<>(Topics.OUTBOUND_MESSAGES.name(), key,
          Topics.OUTBOUND_MESSAGES.valueSerde().serializer().serialize(Topics.OUTBOUND_MESSAGES.name(), m))).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean delivered(OutboundMessage m) {
    return !partners.received(m.messageId()).isEmpty();
  }

  private static long committed(TopicPartition tp) throws Exception {
    OffsetAndMetadata o = admin.listConsumerGroupOffsets("intake-delivery").partitionsToOffsetAndMetadata().get().get(tp);
    return o == null ? -1 : o.offset();
  }

  @Test
  void aFailingPartnerDoesNotDelayAnotherTenant() {
    partners.mode(SLOW, Mode.FAILING);
    String key = sharedKey();
    OutboundMessage slow = reply(SLOW, conversation(), "for the failing partner");
    publish(key, slow);
    await().atMost(WAIT).until(() -> partners.attempts(slow.messageId()) >= 1);

    OutboundMessage fast1 = reply(FAST, conversation(), "first for the healthy partner");
    OutboundMessage fast2 = reply(FAST, conversation(), "second for the healthy partner");
    publish(key, fast1);
    publish(key, fast2);

    await().atMost(WAIT).until(() -> delivered(fast1) && delivered(fast2));
    // ...while the failing tenant's message is still being retried, not given up:
    assertTrue(!delivered(slow) && partners.attempts(slow.messageId()) >= 1);
    partners.mode(SLOW, Mode.HEALTHY);
    await().atMost(WAIT).until(() -> delivered(slow));
    assertEquals(1, partners.received(fast1.messageId()).size());
  }

  @Test
  void aPartnerTricklingItsAnswerDoesNotDelayAnotherTenant() {
    partners.trickle(Duration.ofMillis(100), Duration.ofSeconds(60));
    partners.mode(SLOW, Mode.TRICKLING);
    String key = sharedKey();
    OutboundMessage slow = reply(SLOW, conversation(), "for the trickling partner");
    publish(key, slow);
    await().atMost(WAIT).until(() -> partners.trickling() >= 1);

    OutboundMessage fast = reply(FAST, conversation(), "for the healthy partner");
    publish(key, fast);

    await().atMost(WAIT).until(() -> delivered(fast));
    assertTrue(!delivered(slow), "the trickled message is not delivered yet");
    // The attempt deadline covers the body: the trickled attempt is cut off and retried.
    await().atMost(WAIT).until(() -> partners.attempts(slow.messageId()) >= 2);
    partners.mode(SLOW, Mode.HEALTHY);
    await().atMost(WAIT).until(() -> delivered(slow));
  }

  @Test
  void aConversationKeepsItsOrderWhileItsFirstMessageIsRetriedAndOthersProceed() {
    String key = sharedKey();
    String conversation = conversation();
    OutboundMessage first = reply(FAST, conversation, "one");
    OutboundMessage second = reply(FAST, conversation, "two");
    OutboundMessage third = reply(FAST, conversation, "three");
    OutboundMessage elsewhere = reply(FAST, conversation(), "another conversation");
    partners.holdFailing(first.messageId());
    publish(key, first);
    publish(key, second);
    publish(key, elsewhere);
    publish(key, third);

    await().atMost(WAIT).until(() -> delivered(elsewhere) && partners.attempts(first.messageId()) >= 2);
    assertTrue(!delivered(second) && !delivered(third), "later messages wait for the first of their conversation");
    partners.release(first.messageId());

    await().atMost(WAIT).until(() -> delivered(first) && delivered(second) && delivered(third));
    List<String> order = partners.received().stream()
        .filter(r -> r.body().contains(conversation))
        .map(Received::messageId)
        .toList();
    assertEquals(List.of(first.messageId(), second.messageId(), third.messageId()), order);
  }

  @Test
  void aMessageIsDeadLetteredAfterItsLastAttemptAndItsConversationGoesOn() {
    partners.failureStatus(500);
    String key = sharedKey();
    String conversation = conversation();
    OutboundMessage doomed = reply(FAST, conversation, "never accepted");
    OutboundMessage next = reply(FAST, conversation, "accepted");
    partners.holdFailing(doomed.messageId());
    publish(key, doomed);
    publish(key, next);

    Topic<String, DeadLetter> dlq = Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES);
    await().atMost(WAIT).untilAsserted(() -> {
      List<DeadLetter> letters = TestTopics.readPublished(dlq, d -> key.equals(d.key()));
      assertEquals(1, letters.size(), letters.toString());
      assertTrue(letters.get(0).reason().contains("after 12 attempt(s)")
          && letters.get(0).reason().contains("HTTP 500"), letters.get(0).reason());
      assertTrue(letters.get(0).payload().contains(doomed.messageId()));
    });
    assertEquals(12, partners.attempts(doomed.messageId()));
    await().atMost(WAIT).until(() -> delivered(next));
    assertTrue(!delivered(doomed));
  }

  @Test
  void aMessageSeenAgainWhileStillBeingRetriedIsDeliveredOnce() {
    String key = sharedKey();
    String conversation = conversation();
    OutboundMessage m = reply(FAST, conversation, "once only");
    partners.holdFailing(m.messageId());
    publish(key, m);
    publish(key, m); // the same message again, e.g. redelivered after a rebalance
    await().atMost(WAIT).until(() -> partners.attempts(m.messageId()) >= 2);
    partners.release(m.messageId());

    OutboundMessage marker = reply(FAST, conversation, "after both copies");
    publish(key, marker);
    await().atMost(WAIT).until(() -> delivered(marker));
    assertEquals(1, partners.received(m.messageId()).size());
  }

  @Test
  void anOffsetIsCommittedOnlyOnceEveryMessageBeforeItIsDone() throws Exception {
    String key = sharedKey();
    OutboundMessage slow = reply(SLOW, conversation(), "held");
    OutboundMessage fast = reply(FAST, conversation(), "after it on the same partition");
    partners.holdFailing(slow.messageId());
    RecordMetadata slowAt = publish(key, slow);
    RecordMetadata fastAt = publish(key, fast);
    TopicPartition tp = new TopicPartition(slowAt.topic(), slowAt.partition());

    await().atMost(WAIT).until(() -> delivered(fast));
    // Commits run every 500 ms here: for 3 s none may pass the message still being retried.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> committed(tp) <= slowAt.offset());
    partners.release(slow.messageId());
    await().atMost(WAIT).until(() -> committed(tp) > fastAt.offset());
    assertTrue(delivered(slow));
  }

  @Test
  void anUnexpectedErrorOnOneMessageDoesNotStopDelivery() {
    String key = sharedKey();
    // A line break in the id makes the HTTP client refuse the Idempotency-Key header.
    OutboundMessage broken = new OutboundMessage(SchemaVersions.CURRENT, "msg-\n" + UUID.randomUUID(), FAST,
        conversation(), Channel.WEBCHAT, null, Speaker.BOT, null, "broken", "test", "ev-1", Instant.now());
    OutboundMessage fine = reply(FAST, conversation(), "fine");
    publish(key, broken);
    publish(key, fine);

    await().atMost(WAIT).until(() -> delivered(fine));
    Topic<String, DeadLetter> dlq = Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES);
    await().atMost(WAIT).untilAsserted(() -> {
      List<DeadLetter> letters = TestTopics.readPublished(dlq, d -> key.equals(d.key()));
      assertEquals(1, letters.size(), letters.toString());
      assertTrue(letters.get(0).reason().startsWith("unexpected failure"), letters.get(0).reason());
    });
  }
}
