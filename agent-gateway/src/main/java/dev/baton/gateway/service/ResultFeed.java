package dev.baton.gateway.service;

import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.messaging.DeadLetterer;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reads {@code agent-action-results} in the gateways' shared group (each result applied by one
 * instance; {@link ActionResults} reads them again per instance to answer waiting requests) and
 * applies the applied ones to the conversation's view: {@code claimed}, {@code reassigned},
 * {@code resolved} and {@code handed-back} events on the tenant's log, so every agent sees who
 * has what. A record that cannot be read goes to {@code agent-action-results-dlq}; while Redis is
 * down the record is retried and not acknowledged; anything else that fails (even the dead letter)
 * nacks it, and the channel writes it to the same topic as it was read ({@link Feeds#settle}).
 */
@ApplicationScoped
public class ResultFeed {
  public static final String CHANNEL = "agent-action-results-log";

  private final EventLog log;
  private final Presence presence;
  private final DeadLetterer deadLetters;
  private final WaitAverages averages;

  public ResultFeed(EventLog log, Presence presence, DeadLetterer deadLetters, WaitAverages averages) {
    this.log = log;
    this.presence = presence;
    this.deadLetters = deadLetters;
    this.averages = averages;
  }

  @Incoming(CHANNEL)
  @Blocking
  public CompletionStage<Void> onResult(Message<byte[]> message) {
    return Feeds.settle(message, this::apply);
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    ForwardCompatibleReader.Read<AgentActionResult> read;
    try {
      read = ForwardCompatibleReader.read(record.value(), AgentActionResult.class);
    } catch (ForwardCompatibleReader.Unreadable e) {
      deadLetters.send(Topics.AGENT_ACTION_RESULTS, record, e.getMessage());
      return;
    }
    AgentActionResult r = read.value();
    try {
      Projections.result(r).ifPresent(change -> Feeds.untilApplied("result " + r.actionId(), () -> {
      var applied = log.apply(change);
      if (applied.isPresent() && "claimed".equals(change.eventType()) && r.ownerAgentId() != null) {
        presence.busy(r.tenantId(), r.ownerAgentId());
        waited(r.tenantId(), ConversationViews.parse(applied.get().viewJson()));
      }
    }));
    } catch (Feeds.Stopped e) {
      throw e;
    } catch (RuntimeException e) {
      deadLetters.send(Topics.AGENT_ACTION_RESULTS, record, "cannot apply the result: " + e);
    }
  }

  /** Folds how long this customer waited for an agent into the tenant's average (for queue estimates). */
  private void waited(String tenantId, com.fasterxml.jackson.databind.node.ObjectNode view) {
    try {
      java.time.Duration wait = java.time.Duration.between(
          java.time.Instant.parse(ConversationViews.text(view, "waitingSince")),
          java.time.Instant.parse(ConversationViews.text(view, "claimedAt")));
      if (!wait.isNegative()) {
        averages.add(tenantId, wait.toSeconds());
      }
    } catch (RuntimeException e) {
      // A claim of a conversation that never waited (a bot conversation taken over) has no wait.
    }
  }
}
