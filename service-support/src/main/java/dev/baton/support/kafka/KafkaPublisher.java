package dev.baton.support.kafka;

import dev.baton.schemas.Conversational;
import dev.baton.schemas.topic.Topic;
import dev.baton.support.logging.LogContext;
import dev.baton.support.logging.TraceParent;
import dev.baton.support.metrics.BatonMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes to registry topics with the topic's own serdes and waits for the broker; each record
 * confirmed counts in {@code baton_events_produced_total{topic,tenant}}. Each record carries a
 * {@code traceparent} header ({@link TraceParent}) of the current trace.
 */
@ApplicationScoped
public class KafkaPublisher {
  private final KafkaProducer<byte[], byte[]> producer;
  /** Absent where a test makes its own publisher. */
  @Inject
  BatonMetrics metrics;

  public KafkaPublisher(KafkaProducer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  /** Publishes a conversation's record under its {@link Conversational#conversationKey()}. */
  public <V extends Conversational> void publish(Topic<String, V> topic, V value, Duration timeout)
      throws PublishException {
    publish(topic, value.conversationKey(), value, timeout);
  }

  public <K, V> void publish(Topic<K, V> topic, K key, V value, Duration timeout)
      throws PublishException {
    byte[] k = topic.keySerde().serializer().serialize(topic.name(), key);
    byte[] v = topic.valueSerde().serializer().serialize(topic.name(), value);
    try {
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic.name(), k, v);
      // The request's trace (TraceRequests), or a new one: every record Baton starts is traceable.
      record.headers().add(TraceParent.HEADER,
          TraceParent.of(LogContext.traceId()).getBytes(StandardCharsets.US_ASCII));
      producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (metrics != null) {
        metrics.produced(topic.name(), value instanceof Conversational c ? c.tenantId() : null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException(topic.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new PublishException(topic.name(), e);
    }
  }

  /** The broker did not confirm the record in time. */
  public static class PublishException extends Exception {
    public PublishException(String topic, Throwable cause) {
      super("could not publish to " + topic + ": " + cause, cause);
    }
  }
}
