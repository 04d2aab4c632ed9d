package dev.baton.gateway.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.support.messaging.DeadLetterer;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.topic.Topics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Reads {@code conversation-turns} (committed records only) into the {@link TranscriptStore}, so
 * agents can page through a whole conversation however much of it the handoff kept, and, for a
 * conversation handed to people, appends its {@code message} event to the tenant's {@link
 * EventLog}: what the customer writes after a claim reaches the agent live. A record
 * that cannot be read, or whose ids or seq could not be stored safely, goes to
 * {@code conversation-turns-dlq} with the reason; one with an enum value this gateway does not
 * know yet (say a new speaker) is kept as written. While Redis is down the record is retried and
 * not acknowledged; anything else that fails (even the dead letter) nacks it, and the channel
 * writes it to {@code conversation-turns-dlq} as it was read ({@link Feeds#settle}).
 */
@ApplicationScoped
public class TurnFeed {
  private static final Logger LOG = Logger.getLogger(TurnFeed.class);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+\\-]{1,128}");
  /** Seqs stay exact as Redis scores (doubles) below 2^53. */
  private static final long MAX_SEQ = 1L << 53;

  private final TranscriptStore store;
  private final EventLog log;
  private final DeadLetterer deadLetters;

  public TurnFeed(TranscriptStore store, EventLog log, DeadLetterer deadLetters) {
    this.store = store;
    this.log = log;
    this.deadLetters = deadLetters;
  }

  @Incoming(Topics.Names.CONVERSATION_TURNS)
  @Blocking
  public CompletionStage<Void> onTurn(Message<byte[]> message) {
    return Feeds.settle(message, this::apply);
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    ForwardCompatibleReader.Read<ConversationTurn> read;
    try {
      read = ForwardCompatibleReader.read(record.value(), ConversationTurn.class);
    } catch (ForwardCompatibleReader.Unreadable e) {
      deadLetters.send(Topics.CONVERSATION_TURNS, record, e.getMessage());
      return;
    }
    ConversationTurn turn = read.value();
    String problem = problem(turn);
    if (problem != null) {
      deadLetters.send(Topics.CONVERSATION_TURNS, record, problem);
      return;
    }
    if (!read.unknownEnums().isEmpty()) {
      LOG.warnf("turn %s of %s has values of %s this gateway does not know; kept as written", turn.seq(),
          turn.conversationKey(), read.unknownEnums());
    }
    try {
      ObjectNode json = ConversationViews.parse(read.json());
      EventLog.Change change = Projections.turn(turn, json);
      String customer = ConversationViews.customerKey(json.path("customer"));
      long at = turn.turn().at() == null ? System.currentTimeMillis() : turn.turn().at().toEpochMilli();
      Feeds.untilApplied("turn " + turn.seq() + " of " + turn.conversationKey(), () -> {
        store.add(turn.tenantId(), turn.conversationId(), turn.seq(), read.json(), customer, at);
        log.apply(change);
      });
    } catch (Feeds.Stopped e) {
      throw e;
    } catch (RuntimeException e) {
      deadLetters.send(Topics.CONVERSATION_TURNS, record, "cannot apply the turn: " + e);
    }
  }

  private static String problem(ConversationTurn turn) {
    if (!turn.tenantId().matches("[a-z0-9][a-z0-9-]{0,62}")) {
      return "tenantId is not a tenant id";
    }
    if (!ID.matcher(turn.conversationId()).matches()) {
      return "conversationId is not a conversation id";
    }
    if (turn.seq() < 0 || turn.seq() >= MAX_SEQ) {
      return "seq must be in [0, 2^53), was " + turn.seq();
    }
    return null;
  }
}
