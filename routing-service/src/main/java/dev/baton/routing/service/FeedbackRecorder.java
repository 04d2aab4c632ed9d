package dev.baton.routing.service;

import dev.baton.nlp.FeedbackStore;
import dev.baton.routing.config.RoutingConfig;
import dev.baton.schemas.IntentFeedback;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.messaging.DeadLetterer;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps each agent correction from {@code intent-feedback} as a training example in the feedback
 * file, which {@code nlp-tool retrain --feedback FILE} adds to the default model's data (see
 * nlp/README.md). The retrained model reaches the running service through {@code
 * routing.model-file}.
 */
@ApplicationScoped
public class FeedbackRecorder {
  private static final Logger LOG = Logger.getLogger(FeedbackRecorder.class);

  private final FeedbackStore store;
  private final DeadLetterer deadLetters;

  public FeedbackRecorder(RoutingConfig config, DeadLetterer deadLetters) {
    this.store = new FeedbackStore(Path.of(config.feedbackFile()));
    this.deadLetters = deadLetters;
  }

  /**
   * Keeps the correction, or dead-letters it with the reason (unreadable, no text, no intent,
   * cannot be stored): one bad correction never stops the channel. If even the dead letter cannot
   * be written (the broker is away), the failure propagates, the channel reports unhealthy and the
   * record is read again after the restart: it is never skipped silently.
   */
  @Incoming(Topics.Names.INTENT_FEEDBACK)
  @Blocking
  public void record(ConsumerRecord<String, byte[]> record) {
    IntentFeedback feedback;
    try {
      feedback = Topics.INTENT_FEEDBACK.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      deadLetter(record, e.getMessage());
      return;
    }
    if (feedback == null) {
      deadLetter(record, "empty record");
      return;
    }
    if (feedback.text().isBlank() || feedback.correctedIntent().isBlank()) {
      deadLetter(record, "feedback without text or corrected intent");
      return;
    }
    try {
      store.append(feedback.tenantId(), feedback.text(), feedback.correctedIntent());
    } catch (RuntimeException e) {
      deadLetter(record, "cannot keep the correction: " + e.getMessage());
      return;
    }
    LOG.infof("kept %s's correction to '%s' for tenant %s", feedback.agentId(), feedback.correctedIntent(),
        feedback.tenantId());
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
    deadLetters.send(Topics.INTENT_FEEDBACK, record, reason);
  }

  public Path file() {
    return store.file();
  }
}
