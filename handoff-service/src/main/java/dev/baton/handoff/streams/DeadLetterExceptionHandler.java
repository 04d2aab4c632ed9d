package dev.baton.handoff.streams;

import dev.baton.handoff.topology.FailedRecords;
import dev.baton.schemas.DeadLetters;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

/**
 * The last line of defence of the topology, for what the processor's own handling cannot see: an
 * output the broker refuses and an exception escaping a processor. Both always FAIL.
 *
 * <p>Under exactly-once there is nothing else to answer. A send the broker refused has already
 * put the transaction in an abortable state, so CONTINUE could not commit the other writes of the
 * record anyway; and dropping only the refused output would commit a state that says QUEUED with
 * no handoff record. Failing aborts the transaction, so none of the record's writes is seen. So
 * that its retry does not fail the same way for ever, an output refused for what it is (too large,
 * invalid, unserializable) is recorded in {@link FailedRecords} under the source it names; the
 * replaced stream thread then reads the record again and writes only its dead letter, inside the
 * transaction that commits its offset. Anything else (the broker unreachable, a fenced producer)
 * is about Kafka, not the record: it is retried from the last commit and nothing is lost. A bug
 * escaping the processor's writes is recorded by the processor itself before it leaves.
 *
 * <p>No dead letter is written from here: a write beside the transaction could be lost, or
 * duplicated, without anyone knowing.
 */
public class DeadLetterExceptionHandler implements ProductionExceptionHandler, ProcessingExceptionHandler {
  private static final Logger LOG = Logger.getLogger(DeadLetterExceptionHandler.class);

  private FailedRecords failed;

  public DeadLetterExceptionHandler() {}

  /** With the given record of failures, for tests. */
  DeadLetterExceptionHandler(FailedRecords failed) {
    this.failed = failed;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    if (!(configs.get(FailedRecords.CONFIG) instanceof FailedRecords shared)) {
      // Without the processor's instance a refused record would be retried for ever.
      throw new IllegalStateException(FailedRecords.CONFIG + " must hold the topology's FailedRecords");
    }
    failed = shared;
  }

  @Override
  public ProductionExceptionHandlerResponse handle(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException || exception instanceof InvalidRecordException) {
      recordFailure(context, record.headers(), "output to " + record.topic() + " refused: " + exception, exception);
    } else {
      LOG.errorf("output to %s failed (%s); the transaction is aborted and retried", record.topic(), exception);
    }
    return ProductionExceptionHandlerResponse.FAIL;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public ProductionExceptionHandlerResponse handleSerializationException(
      ErrorHandlerContext context, ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
    recordFailure(context, record.headers(), "output to " + record.topic() + " not serializable: " + exception, exception);
    return ProductionExceptionHandlerResponse.FAIL;
  }

  @Override
  public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    LOG.errorf("%s failed in %s (%s); the transaction is aborted and retried", context.topic() == null
        ? "a punctuator" : context.topic() + "-" + context.partition() + "@" + context.offset(),
        context.processorNodeId(), DeadLetters.bounded(String.valueOf(exception)));
    return ProcessingHandlerResponse.FAIL;
  }

  /**
   * What the refused output was written for: the source id it carries, or else the input the
   * stream thread is on (right for a failure met while sending, which a send error reported
   * later may not be: hence the header on every output).
   */
  private void recordFailure(ErrorHandlerContext context, Headers headers, String reason, Exception exception) {
    Optional<String> source = FailedRecords.sourceOf(headers).or(() -> context.topic() == null
        ? Optional.empty() : Optional.of(FailedRecords.inputId(context.topic(), context.partition(), context.offset())));
    if (source.isEmpty()) {
      LOG.errorf("%s; no source to dead-letter, so the transaction is aborted and retried as it is",
          DeadLetters.bounded(reason));
      return;
    }
    FailedRecords.Failure f = failed.failed(source.get(), DeadLetters.bounded(reason), exception);
    LOG.errorf("%s; the transaction of %s is aborted (failure %d) and its retry dead-letters it",
        DeadLetters.bounded(reason), source.get(), f.attempts());
  }
}
