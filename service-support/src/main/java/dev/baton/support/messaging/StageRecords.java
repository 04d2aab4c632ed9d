package dev.baton.support.messaging;

import dev.baton.schemas.Conversational;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.logging.LogContext;
import dev.baton.support.logging.TraceParent;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The plumbing of a Quarkus messaging stage that reads one registry topic and writes another:
 * parse with the topic's serde, forward keyed by conversation, or dead-letter with the reason.
 * Outputs reuse the incoming message, so its offset is committed only once what it produced (the
 * enriched record or the dead letter) is written; a dead letter goes through the same outgoing
 * channel with the topic overridden.
 *
 * <p>What the stage cannot handle itself nacks the incoming message: an exception escaping the
 * stage ({@link #guarded}) or an output the broker refuses (the outgoing channel nacks it, and
 * with it the input it reuses). The incoming channel's {@code failure-strategy=dead-letter-queue}
 * then writes the record to {@code <topic>-dlq} as it was read, the reason in the {@code
 * dead-letter-reason} header, and the stage goes on with the next record.
 */
public final class StageRecords {
  private static final Logger LOG = Logger.getLogger(StageRecords.class);

  private StageRecords() {}

  /**
   * What {@code stage} makes of {@code in}; if it throws, {@code in} is nacked (the channel keeps
   * it on the dead-letter topic) and nothing is forwarded. Without this an exception escaping a
   * stage would fail the stream: the channel would stop, for every tenant, until a restart.
   */
  public static Message<byte[]> guarded(Message<byte[]> in, Function<Message<byte[]>, Message<byte[]>> stage) {
    try {
      LogContext.trace(traceIdOf(in));
      return stage.apply(in);
    } catch (RuntimeException e) {
      // Bounded like every dead letter's reason (an exception's message may quote the record);
      // the stack trace, for the bug behind it, at DEBUG.
      LOG.errorf("stage failed on %s, the record goes to the dead-letter topic as it was read: %s", where(in),
          DeadLetters.bounded(e.toString()));
      LOG.debug("stage failure", e);
      in.nack(e);
      return null;
    } finally {
      // What parse put there: the consumer thread takes the next tenant's record next.
      LogContext.clear();
    }
  }

  /** The trace id of the input's {@code traceparent} header, or null. */
  @SuppressWarnings("unchecked")
  static String traceIdOf(Message<byte[]> in) {
    return in.getMetadata(IncomingKafkaRecordMetadata.class)
        .map(m -> ((IncomingKafkaRecordMetadata<?, ?>) m).getHeaders().lastHeader(TraceParent.HEADER))
        .map(h -> TraceParent.traceId(h.value()))
        .orElse(null);
  }

  private static String where(Message<byte[]> in) {
    return in.getMetadata(IncomingKafkaRecordMetadata.class)
        .map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset())
        .orElse("a record");
  }

  /** The parsed value, or null when the record cannot be read (use {@link #deadLetter}). */
  public record Parsed<V>(V value, String error) {
    public boolean ok() {
      return value != null;
    }
  }

  /**
   * The record's value; once read, its tenant and conversation go into the {@link LogContext} for
   * the rest of the stage (cleared by {@link #guarded}).
   */
  public static <V> Parsed<V> parse(Message<byte[]> in, Topic<String, V> topic) {
    try {
      V value = topic.valueSerde().deserializer().deserialize(topic.name(), in.getPayload());
      if (value == null) {
        return new Parsed<>(null, "empty record");
      }
      LogContext.conversationOf(value);
      return new Parsed<>(value, null);
    } catch (SerializationException e) {
      return new Parsed<>(null, e.getMessage());
    }
  }

  /** The record, as a {@code DeadLetter} on {@code <source>-dlq}, with the reason. */
  @SuppressWarnings("unchecked")
  public static Message<byte[]> deadLetter(Message<byte[]> in, Topic<String, ?> source, String reason, String service) {
    IncomingKafkaRecordMetadata<String, byte[]> meta = in.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
    LOG.errorf("dead-lettering %s-%d@%d: %s", meta.getTopic(), meta.getPartition(), meta.getOffset(),
        DeadLetters.bounded(reason));
    var letter = DeadLetters.of(meta.getTopic(), meta.getPartition(), meta.getOffset(), meta.getKey(),
        in.getPayload(), reason, service);
    var dlq = Topics.deadLetterOf(source);
    return in.withPayload(dlq.valueSerde().serializer().serialize(dlq.name(), letter))
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withTopic(dlq.name()).withKey(meta.getKey())
            .withHeaders(copy(meta.getHeaders())).build());
  }

  /**
   * {@code value} on the stage's outgoing topic, keyed by its conversation (tenant and id), with
   * the input's timestamp and headers.
   */
  @SuppressWarnings("unchecked")
  public static <V extends Conversational> Message<byte[]> forward(Message<byte[]> in, Topic<String, V> topic, V value) {
    var out = OutgoingKafkaRecordMetadata.<String>builder().withKey(value.conversationKey());
    // The input's timestamp goes on: every record of an event carries when the intake accepted
    // it, so the decision latency (and how long a record waited) is measured from there. So do
    // its headers: the traceparent the intake gave the event follows it through every stage.
    in.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(m -> {
      IncomingKafkaRecordMetadata<?, ?> meta = m;
      out.withTimestamp(meta.getTimestamp());
      out.withHeaders(copy(meta.getHeaders()));
    });
    return in.withPayload(topic.valueSerde().serializer().serialize(topic.name(), value)).addMetadata(out.build());
  }

  /** A copy: the producer makes the headers it sends read-only, and the input's stay the channel's. */
  private static Headers copy(Headers headers) {
    return new RecordHeaders(headers.toArray());
  }
}
