package dev.baton.intake.channel;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.service.EventDeduplicator.Claim;
import dev.baton.intake.service.IntakeService;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What every provider adapter does with what it read: publish a message's events once each, or
 * keep what cannot become an event on {@code conversation-events-dlq} with the whole signed body.
 * Broker and Redis failures reach the caller, which answers 503 so that the provider retries.
 */
@ApplicationScoped
public class ChannelIntake {
  private static final Logger LOG = Logger.getLogger(ChannelIntake.class);

  private final IntakeService intake;
  private final KafkaPublisher publisher;
  private final IntakeConfig config;

  public ChannelIntake(IntakeService intake, KafkaPublisher publisher, IntakeConfig config) {
    this.intake = intake;
    this.publisher = publisher;
    this.config = config;
  }

  /** A message of a webhook is being published by another request right now: retry later. */
  public static final class InFlight extends Exception {
    InFlight() {
      super("a message of this webhook is being stored right now");
    }
  }

  /** Publishes one message's events (its parts, in order), each once. */
  public void accept(List<ConversationEvent> events) throws PublishException, InFlight {
    for (ConversationEvent event : events) {
      if (intake.accept(event) == Claim.IN_FLIGHT) {
        throw new InFlight();
      }
    }
  }

  /**
   * Keeps a customer's message that cannot become an event, with the webhook's body, where
   * operators look; the provider is answered 200, since its retry would fail the same way.
   *
   * @param source where it came from, e.g. {@code whatsapp-webhook}, {@code twilio-messages}
   */
  public void deadLetter(String source, String tenantId, byte[] body, String reason) throws PublishException {
    LOG.warnf("tenant %s: %s message dead-lettered: %s", tenantId, source, DeadLetters.bounded(reason));
    DeadLetter letter = DeadLetters.of(source, -1, -1, tenantId, body, reason, "intake-service");
    publisher.publish(Topics.deadLetterOf(Topics.CONVERSATION_EVENTS), tenantId, letter, config.publishTimeout());
  }
}
