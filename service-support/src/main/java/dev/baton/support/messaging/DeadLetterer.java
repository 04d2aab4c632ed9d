package dev.baton.support.messaging;

import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.support.metrics.BatonMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The failure policy of a consumer that reads {@code ConsumerRecord}s (the stages use
 * {@link StageRecords} instead), the same as every stage's: a record it cannot read or process
 * goes to {@code <topic>-dlq} as a {@code DeadLetter} with the reason, keyed like the original,
 * and consumption goes on. The dead letter is written before the record's offset is committed. If
 * it cannot be written, {@link #send} throws; the record is then nacked and the channel's own net,
 * {@code failure-strategy=dead-letter-queue}, writes it to the same topic as it was read, with the
 * reason in the {@code dead-letter-reason} header. Only if that fails too (the broker away) does
 * the channel stop (health DOWN), with the record uncommitted: it is never skipped silently.
 */
@ApplicationScoped
public class DeadLetterer {
  private static final Logger LOG = Logger.getLogger(DeadLetterer.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final KafkaPublisher publisher;
  private final String service;
  /** Counts each dead letter written; absent in tests that make their own instance. */
  @Inject
  BatonMetrics metrics;

  public DeadLetterer(KafkaPublisher publisher, @ConfigProperty(name = "quarkus.application.name") String service) {
    this.publisher = publisher;
    this.service = service;
  }

  public void send(Topic<String, ?> source, ConsumerRecord<String, byte[]> record, String reason) {
    String bounded = DeadLetters.bounded(reason);
    LOG.errorf("dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), bounded);
    var letter = DeadLetters.of(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
        reason, service);
    try {
      publisher.publish(Topics.deadLetterOf(source), record.key(), letter, TIMEOUT);
      if (metrics != null) {
        metrics.deadLettered(source.deadLetterName());
      }
    } catch (PublishException e) {
      throw new IllegalStateException("cannot dead-letter " + record.topic() + "-" + record.partition() + "@"
          + record.offset() + ": " + e.getMessage(), e);
    }
  }
}
