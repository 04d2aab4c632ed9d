package dev.baton.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.routing.service.FeedbackRecorder;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.IntentFeedback;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.messaging.DeadLetterer;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class FeedbackRecorderTest {

  @Inject
  FeedbackRecorder recorder;

  @Inject
  KafkaPublisher publisher;

  @Test
  void anAgentsCorrectionBecomesATrainingExample() throws Exception {
    String text = "can I come in later on thursday " + UUID.randomUUID();
    IntentFeedback fb = new IntentFeedback(SchemaVersions.CURRENT, "fb-" + UUID.randomUUID(), "acme", "conv-1",
        "ev-1", text, "opening_hours", "reschedule_appointment", "alice", Instant.now());

    TestTopics.publish(Topics.INTENT_FEEDBACK, fb);

    await().atMost(Duration.ofSeconds(30)).until(() ->
        Files.exists(recorder.file()) && Files.readString(recorder.file()).contains(text));
    String line = Files.readAllLines(recorder.file()).stream().filter(l -> l.contains(text)).findFirst().orElseThrow();
    assertTrue(line.contains("reschedule_appointment") && line.contains("acme"), line);
  }

  @Test
  void unreadableOrBlankFeedbackIsDeadLetteredAndTheNextCorrectionIsStillKept() throws Exception {
    String poisonKey = "acme/poison-" + UUID.randomUUID();
    TestTopics.publishRaw(Topics.INTENT_FEEDBACK, poisonKey, "{not json".getBytes(StandardCharsets.UTF_8));
    IntentFeedback blank = new IntentFeedback(SchemaVersions.CURRENT, "fb-" + UUID.randomUUID(), "acme",
        "blank-" + UUID.randomUUID(), "ev-1", "  ", "opening_hours", "reschedule_appointment", "alice", Instant.now());
    TestTopics.publish(Topics.INTENT_FEEDBACK, blank);
    String text = "after the poison " + UUID.randomUUID();
    TestTopics.publish(Topics.INTENT_FEEDBACK, new IntentFeedback(SchemaVersions.CURRENT, "fb-" + UUID.randomUUID(),
        "acme", "conv-2", "ev-2", text, "opening_hours", "cancel_appointment", "alice", Instant.now()));

    await().atMost(Duration.ofSeconds(30)).until(() ->
        Files.exists(recorder.file()) && Files.readString(recorder.file()).contains(text));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<DeadLetter> letters = TestTopics.read(Topics.deadLetterOf(Topics.INTENT_FEEDBACK),
          d -> d.key().equals(poisonKey) || d.key().equals(blank.conversationKey()), Duration.ofSeconds(1));
      assertEquals(2, letters.size(), letters.toString());
      assertTrue(letters.stream().anyMatch(d -> d.reason().startsWith("not a valid IntentFeedback")));
      assertTrue(letters.stream().anyMatch(d -> d.reason().equals("feedback without text or corrected intent")));
    });
  }

  @Test
  void aCorrectionWhoseDeadLetterCannotBeWrittenIsKeptAsReadAndTheNextIsStillKept() throws Exception {
    String key = "acme/refused-" + UUID.randomUUID();
    // The dead-letter write fails for this record (as when the broker refuses it); the exception
    // escapes the recorder.
    QuarkusMock.installMockForType(new DeadLetterer(publisher, "routing-service") {
      @Override
      public void send(Topic<String, ?> source, ConsumerRecord<String, byte[]> record, String reason) {
        if (key.equals(record.key())) {
          throw new IllegalStateException("cannot dead-letter " + record.topic() + ": refused");
        }
        super.send(source, record, reason);
      }
    }, DeadLetterer.class);
    byte[] poison = "{not json either".getBytes(StandardCharsets.UTF_8);
    TestTopics.publishRaw(Topics.INTENT_FEEDBACK, key, poison);
    String text = "after the refused dead letter " + UUID.randomUUID();
    TestTopics.publish(Topics.INTENT_FEEDBACK, new IntentFeedback(SchemaVersions.CURRENT, "fb-" + UUID.randomUUID(),
        "acme", "conv-3", "ev-3", text, "opening_hours", "cancel_appointment", "alice", Instant.now()));

    await().atMost(Duration.ofSeconds(30)).until(() ->
        Files.exists(recorder.file()) && Files.readString(recorder.file()).contains(text));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<ConsumerRecord<String, byte[]>> kept =
          TestTopics.readRaw(Topics.deadLetterOf(Topics.INTENT_FEEDBACK), r -> key.equals(r.key()), Duration.ofSeconds(1));
      assertEquals(1, kept.size());
      assertArrayEquals(poison, kept.get(0).value());
      assertEquals("cannot dead-letter intent-feedback: refused", TestTopics.header(kept.get(0), "dead-letter-reason"));
    });
  }
}
