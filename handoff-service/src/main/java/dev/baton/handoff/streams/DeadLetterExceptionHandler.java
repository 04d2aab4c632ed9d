package dev.baton.handoff.streams;

import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

/**
 * The last line of defence of the topology, for what the processor's own handling cannot see: an
 * output the broker refuses for what it is (too large, invalid, unserializable) and an exception
 * escaping a processor. Either way the input record that caused it goes to its topic's
 * dead-letter topic with the reason, and the stream continues: retrying the same record would
 * fail the same way, for ever, and stop every conversation on the partition.
 *
 * <p>Dead letters are written by a plain producer beside the transaction: at least once, which is
 * right for a record kept for a person to look at.
 */
public class DeadLetterExceptionHandler implements ProductionExceptionHandler, ProcessingExceptionHandler {
  private static final Logger LOG = Logger.getLogger(DeadLetterExceptionHandler.class);
  private static final Map<String, KafkaProducer<byte[], byte[]>> PRODUCERS = new ConcurrentHashMap<>();

  private Producer<byte[], byte[]> producer;

  public DeadLetterExceptionHandler() {}

  /** With a given producer, for tests. */
  DeadLetterExceptionHandler(Producer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    String bootstrap = String.valueOf(configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    producer = PRODUCERS.computeIfAbsent(bootstrap, b -> new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
        ProducerConfig.CLIENT_ID_CONFIG, "handoff-dead-letters"),
        new ByteArraySerializer(), new ByteArraySerializer()));
  }

  /** Closes the shared producers; called when the service stops. */
  static void closeAll() {
    PRODUCERS.values().forEach(KafkaProducer::close);
    PRODUCERS.clear();
  }

  @Override
  public ProductionExceptionHandlerResponse handle(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException || exception instanceof InvalidRecordException) {
      deadLetter(context, record.topic(), "output to " + record.topic() + " refused: " + exception);
      return ProductionExceptionHandlerResponse.CONTINUE;
    }
    // Anything else (the broker unreachable, a fenced producer) is about Kafka, not the record:
    // fail, so the thread restarts from the last commit and nothing is lost.
    return ProductionExceptionHandlerResponse.FAIL;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public ProductionExceptionHandlerResponse handleSerializationException(
      ErrorHandlerContext context, ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
    deadLetter(context, record.topic(), "output to " + record.topic() + " not serializable: " + exception);
    return ProductionExceptionHandlerResponse.CONTINUE;
  }

  @Override
  public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    deadLetter(context, null, "processing failed in " + context.processorNodeId() + ": " + exception);
    return ProcessingHandlerResponse.CONTINUE;
  }

  private void deadLetter(ErrorHandlerContext context, String outputTopic, String reason) {
    // The input's dead-letter topic; an output of a punctuator has no input, so its own.
    String source = context.topic() != null ? context.topic() : outputTopic;
    if (source == null) {
      LOG.errorf("dropped output with no source topic: %s", DeadLetters.bounded(reason));
      return;
    }
    byte[] key = context.sourceRawKey();
    String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
    DeadLetter letter = DeadLetters.of(source, context.partition(), context.offset(), keyText,
        context.sourceRawValue(), reason, "handoff-service");
    String dlq = Topics.deadLetterName(source);
    LOG.errorf("dead-lettering %s-%d@%d to %s: %s", source, context.partition(), context.offset(), dlq,
        letter.reason());
    byte[] value = Topics.deadLetterOf(Topics.CONVERSATION_EVENTS).valueSerde().serializer().serialize(dlq, letter);
    producer.send(new ProducerRecord<>(dlq, key, value), (meta, e) -> {
      if (e != null) {
        LOG.errorf("could not write the dead letter of %s-%d@%d: %s", source, context.partition(), context.offset(), e);
      }
    });
  }
}
