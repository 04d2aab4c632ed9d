package dev.baton.routing.service;

import dev.baton.nlp.FeedbackStore;
import dev.baton.routing.config.RoutingConfig;
import dev.baton.schemas.IntentFeedback;
import dev.baton.schemas.topic.Topics;
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

  public FeedbackRecorder(RoutingConfig config) {
    this.store = new FeedbackStore(Path.of(config.feedbackFile()));
  }

  @Incoming(Topics.Names.INTENT_FEEDBACK)
  @Blocking
  public void record(ConsumerRecord<String, byte[]> record) {
    IntentFeedback feedback;
    try {
      feedback = Topics.INTENT_FEEDBACK.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      // A correction we cannot read is not worth stopping for; it stays on the topic.
      LOG.errorf("unreadable intent feedback at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
          e.getMessage());
      return;
    }
    if (feedback != null) {
      store.append(feedback.tenantId(), feedback.text(), feedback.correctedIntent());
      LOG.infof("kept %s's correction to '%s' for tenant %s", feedback.agentId(), feedback.correctedIntent(),
          feedback.tenantId());
    }
  }

  public Path file() {
    return store.file();
  }
}
