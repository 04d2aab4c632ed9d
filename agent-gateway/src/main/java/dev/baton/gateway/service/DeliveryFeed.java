package dev.baton.gateway.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.messaging.DeadLetterer;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Reads {@code delivery-statuses} (the gateways' shared group: each record applied by one
 * instance) into the {@link DeliveryStore}: the message's status moves forward only (a late
 * {@code DELIVERED} never overrides {@code READ}), and a status that moves it appends a
 * {@code delivery} event to the tenant's log for whoever sees the conversation's messages. A
 * record that cannot be read, whose ids could not be stored safely, or whose status this gateway
 * does not know (it could not tell whether it moves forward) goes to {@code delivery-statuses-dlq}
 * with the reason; a channel it does not know is kept as written. While Redis is unreachable the
 * record is retried and not acknowledged, like every feed's; anything else that fails (even the
 * dead letter) nacks it, and the channel writes it to {@code delivery-statuses-dlq} as it was
 * read ({@link Feeds#settle}).
 */
@ApplicationScoped
public class DeliveryFeed {
  private static final Logger LOG = Logger.getLogger(DeliveryFeed.class);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+\\-]{1,128}");
  /** Message ids are the handoff service's, made of other ids; this bounds a hash field. */
  private static final int MAX_MESSAGE_ID = 512;
  /** Enough for every error a provider reports on one message; bounds what an event carries. */
  static final int MAX_ERRORS = 10;
  static final int MAX_ERROR_LENGTH = 300;

  private final DeliveryStore store;
  private final DeadLetterer deadLetters;

  public DeliveryFeed(DeliveryStore store, DeadLetterer deadLetters) {
    this.store = store;
    this.deadLetters = deadLetters;
  }

  @Incoming(Topics.Names.DELIVERY_STATUSES)
  @Blocking
  public CompletionStage<Void> onStatus(Message<byte[]> message) {
    return Feeds.settle(message, this::apply);
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    ForwardCompatibleReader.Read<DeliveryStatus> read;
    try {
      read = ForwardCompatibleReader.read(record.value(), DeliveryStatus.class);
    } catch (ForwardCompatibleReader.Unreadable e) {
      deadLetters.send(Topics.DELIVERY_STATUSES, record, e.getMessage());
      return;
    }
    DeliveryStatus s = read.value();
    String problem = problem(s, read);
    if (problem != null) {
      deadLetters.send(Topics.DELIVERY_STATUSES, record, problem);
      return;
    }
    if (!read.unknownEnums().isEmpty()) {
      LOG.warnf("status of message %s of %s has values of %s this gateway does not know; kept as written",
          s.messageId(), s.conversationKey(), read.unknownEnums());
    }
    try {
      ObjectNode entry = entry(s);
      Feeds.untilApplied("status of message " + s.messageId() + " of " + s.conversationKey(),
          () -> store.apply(s, entry));
    } catch (Feeds.Stopped e) {
      throw e;
    } catch (RuntimeException e) {
      deadLetters.send(Topics.DELIVERY_STATUSES, record, "cannot apply the status: " + e);
    }
  }

  /** What agents are shown of a status: what it is, when, and a failure's errors (bounded). */
  static ObjectNode entry(DeliveryStatus s) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("status", s.status().name());
    e.put("at", s.at() == null ? null : s.at().toString());
    ArrayNode errors = e.putArray("errors");
    for (String error : s.errors().subList(0, Math.min(MAX_ERRORS, s.errors().size()))) {
      String text = error == null ? "" : error;
      errors.add(text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) + "…" : text);
    }
    return e;
  }

  private static String problem(DeliveryStatus s, ForwardCompatibleReader.Read<DeliveryStatus> read) {
    if (!s.tenantId().matches("[a-z0-9][a-z0-9-]{0,62}")) {
      return "tenantId is not a tenant id";
    }
    if (!ID.matcher(s.conversationId()).matches()) {
      return "conversationId is not a conversation id";
    }
    if (s.messageId().isEmpty() || s.messageId().length() > MAX_MESSAGE_ID
        || s.messageId().chars().anyMatch(Character::isISOControl)) {
      return "messageId must be 1-" + MAX_MESSAGE_ID + " characters without control characters";
    }
    if (read.unknownEnums().contains("status")) {
      String status = ConversationViews.parse(read.json()).path("status").asText();
      return "status " + status + " is not one this gateway knows (it cannot tell whether it moves the message forward)";
    }
    return null;
  }
}
