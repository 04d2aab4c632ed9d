package dev.baton.handoff.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.ProcessingHandlerResponse;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.ProductionExceptionHandlerResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterExceptionHandlerTest {
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler(producer);

  private static ErrorHandlerContext context(String topic) {
    byte[] key = "acme/c-1".getBytes(StandardCharsets.UTF_8);
    byte[] value = "{\"the\":\"input\"}".getBytes(StandardCharsets.UTF_8);
    return new ErrorHandlerContext() {
      public String topic() { return topic; }
      public int partition() { return 2; }
      public long offset() { return 41; }
      public org.apache.kafka.common.header.Headers headers() { return new RecordHeaders(); }
      public String processorNodeId() { return "conversation-processor"; }
      public TaskId taskId() { return new TaskId(0, 2); }
      public long timestamp() { return 0; }
      public byte[] sourceRawKey() { return key; }
      public byte[] sourceRawValue() { return value; }
    };
  }

  private DeadLetter onlyLetter(String topic) {
    assertEquals(1, producer.history().size());
    ProducerRecord<byte[], byte[]> sent = producer.history().get(0);
    assertEquals(topic, sent.topic());
    return Topics.deadLetterOf(Topics.ENRICHED_EVENTS).valueSerde().deserializer().deserialize(topic, sent.value());
  }

  @Test
  void anOutputTooLargeForTheBrokerDeadLettersItsInputAndTheStreamContinues() {
    var out = new ProducerRecord<>("handoffs", new byte[1], new byte[1]);
    assertEquals(ProductionExceptionHandlerResponse.CONTINUE,
        handler.handle(context("enriched-events"), out, new RecordTooLargeException("too big")));

    DeadLetter letter = onlyLetter("enriched-events-dlq");
    assertEquals("enriched-events", letter.sourceTopic());
    assertEquals(41, letter.offset());
    assertEquals("acme/c-1", letter.key());
    assertEquals("{\"the\":\"input\"}", letter.payload());
    assertTrue(letter.reason().contains("output to handoffs refused"), letter.reason());
  }

  @Test
  void aBrokerProblemIsNotTheRecordsFaultAndFailsSoNothingIsLost() {
    var out = new ProducerRecord<>("handoffs", new byte[1], new byte[1]);
    assertEquals(ProductionExceptionHandlerResponse.FAIL,
        handler.handle(context("enriched-events"), out, new TimeoutException("broker away")));
    assertTrue(producer.history().isEmpty());
  }

  @Test
  void anExceptionEscapingTheProcessorDeadLettersTheInput() {
    assertEquals(ProcessingHandlerResponse.CONTINUE,
        handler.handle(context("agent-actions"), new Record<>("k", "v", 0), new IllegalStateException("bug")));
    assertTrue(onlyLetter("agent-actions-dlq").reason().contains("IllegalStateException: bug"));
  }

  @Test
  void aPunctuatorsOutputHasNoInputAndIsKeptOnItsOwnTopicsDeadLetterTopic() {
    var out = new ProducerRecord<>("conversation-state", new byte[1], new byte[1]);
    handler.handle(context(null), out, new RecordTooLargeException("too big"));
    assertEquals("conversation-state", onlyLetter("conversation-state-dlq").sourceTopic());
  }
}
