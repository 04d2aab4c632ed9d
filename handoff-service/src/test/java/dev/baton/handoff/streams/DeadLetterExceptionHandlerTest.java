package dev.baton.handoff.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.handoff.topology.FailedRecords;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.ProcessingHandlerResponse;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.ProductionExceptionHandlerResponse;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterExceptionHandlerTest {
  private final FailedRecords failed = new FailedRecords();
  private final DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler(failed);

  /** The record the stream thread is on when the handler is called. */
  private static ErrorHandlerContext context(String topic, long offset) {
    return new ErrorHandlerContext() {
      public String topic() { return topic; }
      public int partition() { return 2; }
      public long offset() { return offset; }
      public org.apache.kafka.common.header.Headers headers() { return new RecordHeaders(); }
      public String processorNodeId() { return "conversation-processor"; }
      public TaskId taskId() { return new TaskId(0, 2); }
      public long timestamp() { return 0; }
      public byte[] sourceRawKey() { return "acme/c-1".getBytes(StandardCharsets.UTF_8); }
      public byte[] sourceRawValue() { return "{}".getBytes(StandardCharsets.UTF_8); }
    };
  }

  private static ProducerRecord<byte[], byte[]> output(String topic, String source) {
    var headers = new RecordHeaders();
    if (source != null) {
      headers.add(FailedRecords.SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
    }
    return new ProducerRecord<>(topic, null, new byte[1], new byte[1], headers);
  }

  @Test
  void anOutputTooLargeFailsAndIsRecordedUnderTheInputItNamesSoTheRetryDeadLettersIt() {
    var tooLarge = new RecordTooLargeException("too big");
    // The broker's answer comes back while the thread is already on a later record (offset 57).
    assertEquals(ProductionExceptionHandlerResponse.FAIL,
        handler.handle(context("enriched-events", 57), output("handoffs", "enriched-events:2:41"), tooLarge));

    FailedRecords.Failure f = failed.of("enriched-events:2:41").orElseThrow();
    assertEquals(1, f.attempts());
    assertTrue(f.withPayload());
    assertTrue(f.reason().startsWith("output to handoffs refused: "), f.reason());
    assertTrue(failed.of("enriched-events:2:57").isEmpty(), "the record the thread was on is not blamed");
    assertTrue(failed.settledOnRetry(new StreamsException("the thread dies", tooLarge)),
        "the thread's death is on purpose and its replacement settles the record");
  }

  @Test
  void aDeadLetterRefusedTooIsRetriedWithoutItsPayloadAndAfterThatCountsAsAFailure() {
    var first = new RecordTooLargeException("handoff too big");
    var second = new RecordTooLargeException("dead letter too big");
    var third = new RecordTooLargeException("even the bare dead letter");
    handler.handle(context("enriched-events", 41), output("handoffs", "enriched-events:2:41"), first);
    handler.handle(context("enriched-events", 41), output("enriched-events-dlq", "enriched-events:2:41"), second);

    FailedRecords.Failure f = failed.of("enriched-events:2:41").orElseThrow();
    assertEquals(2, f.attempts());
    assertFalse(f.withPayload());
    assertTrue(f.reason().contains("handoff too big"), "the first reason is kept: " + f.reason());
    assertTrue(failed.settledOnRetry(second));

    handler.handle(context("enriched-events", 41), output("enriched-events-dlq", "enriched-events:2:41"), third);
    assertFalse(failed.settledOnRetry(third), "not the record's doing any more: the thread failure counts");
  }

  @Test
  void withoutASourceHeaderTheInputTheThreadIsOnIsRecorded() {
    handler.handle(context("agent-actions", 41), output("agent-action-results", null), new RecordTooLargeException("x"));
    assertTrue(failed.of("agent-actions:2:41").isPresent());
  }

  @Test
  void aPunctuatorsRefusedOutputIsRecordedUnderItsDeadline() {
    handler.handle(context(null, -1), output("handoffs", "deadline:000001764583200000|acme/c-1"),
        new RecordTooLargeException("x"));
    assertTrue(failed.of("deadline:000001764583200000|acme/c-1").isPresent());
  }

  @Test
  void aBrokerProblemIsNotTheRecordsFaultAndFailsWithoutBlamingIt() {
    var timeout = new TimeoutException("broker away");
    assertEquals(ProductionExceptionHandlerResponse.FAIL,
        handler.handle(context("enriched-events", 41), output("handoffs", "enriched-events:2:41"), timeout));
    assertTrue(failed.of("enriched-events:2:41").isEmpty(), "retried as it is, never dead-lettered");
    assertFalse(failed.settledOnRetry(new StreamsException("the thread dies", timeout)));
  }

  @Test
  void anExceptionEscapingAProcessorFailsSoItsTransactionIsAborted() {
    assertEquals(ProcessingHandlerResponse.FAIL,
        handler.handle(context("agent-actions", 41), new Record<>("k", "v", 0), new IllegalStateException("bug")));
  }

  @Test
  void withoutTheTopologysRecordOfFailuresTheHandlerRefusesToStart() {
    var unconfigured = new DeadLetterExceptionHandler();
    assertThrows(IllegalStateException.class, () -> unconfigured.configure(Map.of()));
    unconfigured.configure(Map.of(FailedRecords.CONFIG, failed));
  }
}
