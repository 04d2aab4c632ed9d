package dev.baton.gateway.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Owner;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.schemas.serde.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What each record the gateway consumes does to the agents' side of a conversation: the {@link
 * EventLog.Change} (view patch and typed event) for a handoff, a turn and an applied action
 * result. Pure functions of the record, so the same record always makes the same change.
 */
public final class Projections {
  static final int PREVIEW = 280;
  /** The statuses in which a conversation's live messages reach agents. */
  static final String[] OPEN = {"queued", "offered", "assigned"};

  private Projections() {}

  /** A new handoff puts the conversation in its queue; an update of the same one keeps its place and owner. */
  public static EventLog.Change handoff(HandoffRecord h, ObjectNode record) {
    ObjectNode p = EventLog.patch();
    Instant since = h.createdAt() == null ? Instant.now() : h.createdAt();
    p.put("tenantId", h.tenantId());
    p.put("handoffId", h.handoffId());
    p.put("episode", h.episode());
    p.put("status", "queued");
    p.putNull("owner");
    p.putNull("offeredTo");
    p.put("declined", "");
    p.put("skill", h.skill());
    p.put("priority", h.priority());
    // As written: a reason or channel newer than this gateway is shown, not dropped.
    p.put("reason", record.path("reason").asText(null));
    p.put("waitingSince", since.toString());
    p.put("waitingSinceMs", Long.toString(since.toEpochMilli()));
    p.set("customer", record.path("customer").isObject() ? record.get("customer") : Json.MAPPER.createObjectNode());
    p.put("channel", record.path("channel").asText(null));
    p.put("summary", h.summary());
    p.put("followUp", h.followUp());
    p.put("turns", h.omittedTurns() + h.transcript().size());
    p.putNull("resolutionCode");
    p.putNull("resolvedBy");
    p.putNull("awaitingReplySince");
    lastCustomerTurn(h.transcript()).ifPresent(t -> customerTurn(p, t));
    h.transcript().forEach(t -> missedCallLink(p, t));
    if (!h.transcript().isEmpty()) {
      p.set("lastMessage", lastMessage(h.transcript().get(h.transcript().size() - 1)));
    }
    ObjectNode guard = p.putObject("_guard");
    guard.put("field", "handoffId");
    guard.putArray("keys").add("status").add("owner").add("offeredTo").add("declined").add("waitingSince")
        .add("waitingSinceMs").add("resolutionCode").add("resolvedBy").add("awaitingReplySince");
    String customer = ConversationViews.customerKey(record.path("customer"));
    return EventLog.Change.of(h.tenantId(), h.conversationId(), p)
        .event("handoff", EventLog.patch())
        .once("handoff:" + h.handoffId() + (h.followUp() ? ":follow-up" : ""))
        .customer(customer);
  }

  /**
   * A turn of a conversation agents have (had): its {@code message} event while it is open, with
   * the delivery status already kept for the turn's message, if any ({@link DeliveryStore}).
   */
  public static EventLog.Change turn(ConversationTurn t, ObjectNode record) {
    ObjectNode p = EventLog.patch();
    p.put("turns", t.seq() + 1);
    p.set("lastMessage", lastMessage(t.turn()));
    String at = t.turn().at() == null ? Instant.now().toString() : t.turn().at().toString();
    missedCallLink(p, t.turn());
    if (t.turn().speaker() == Speaker.CUSTOMER) {
      customerTurn(p, t.turn());
      p.put("?awaitingReplySince", at);
    } else if (t.turn().speaker() == Speaker.AGENT) {
      p.putNull("awaitingReplySince");
      p.put("lastAgentReplyAt", at);
    }
    ObjectNode extra = EventLog.patch();
    extra.set("turn", record);
    EventLog.Change change = EventLog.Change.of(t.tenantId(), t.conversationId(), p).event("message", extra)
        .existingOnly().turn(t.seq()).loggedWhile(OPEN);
    // A status can arrive before the turn of the message it is about: the message event then carries it.
    return t.turn().eventId() == null ? change : change.delivery(t.turn().eventId());
  }

  /** An applied action's change, if it changes who has the conversation or where it waits. */
  public static Optional<EventLog.Change> result(AgentActionResult r) {
    if (r.outcome() != AgentActionResult.Outcome.APPLIED) {
      return Optional.empty();
    }
    ObjectNode p = EventLog.patch();
    ObjectNode extra = EventLog.patch();
    extra.put("by", r.agentId());
    String now = (r.occurredAt() == null ? Instant.now() : r.occurredAt()).toString();
    String type;
    switch (r.type()) {
      case CLAIM -> {
        type = "claimed";
        assigned(p, r.ownerAgentId(), now);
      }
      case TRANSFER, RELEASE -> {
        type = "reassigned";
        extra.put("why", r.type() == AgentAction.Type.RELEASE ? "returned to the queue" : "transferred by " + r.agentId());
        if (r.owner() == Owner.AGENT) {
          assigned(p, r.ownerAgentId(), now);
          extra.put("to", r.ownerAgentId());
        } else {
          p.put("status", "queued");
          p.putNull("owner");
          p.putNull("offeredTo");
          p.put("declined", "");
          p.put("waitingSince", now);
          p.put("waitingSinceMs", Long.toString(Instant.parse(now).toEpochMilli()));
          if (r.skill() != null) {
            p.put("skill", r.skill());
          }
          extra.putNull("to");
        }
      }
      case RESOLVE -> {
        type = "resolved";
        p.put("status", "resolved");
        p.putNull("owner");
        p.putNull("offeredTo");
        p.put("resolvedBy", r.agentId());
        p.put("resolutionCode", r.resolutionCode());
        extra.put("code", r.resolutionCode());
      }
      case HAND_BACK -> {
        type = "handed-back";
        p.put("status", "bot");
        p.putNull("owner");
        p.putNull("offeredTo");
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(EventLog.Change.of(r.tenantId(), r.conversationId(), p).event(type, extra)
        .once("result:" + r.actionId()));
  }

  private static void assigned(ObjectNode p, String owner, String now) {
    p.put("status", "assigned");
    p.put("owner", owner);
    p.putNull("offeredTo");
    p.put("claimedAt", now);
    // The customer is waiting for this agent from now on, whatever they waited before.
    p.put("awaitingReplySince", now);
  }

  /** The missed call the conversation follows ({@code followsMissedCall}: its conversation id), for the customer panel. */
  private static void missedCallLink(ObjectNode p, Turn t) {
    if (t.speaker() == Speaker.SYSTEM && t.reason() != null && t.reason().startsWith(Turn.MISSED_CALL_LINK)) {
      p.put("followsMissedCall", t.reason().substring(Turn.MISSED_CALL_LINK.length()));
    }
  }

  private static void customerTurn(ObjectNode p, Turn t) {
    if (t.intent() != null) {
      p.put("intent", t.intent());
    }
    if (t.sentimentScore() != null) {
      p.put("sentiment", t.sentimentScore());
    }
  }

  private static Optional<Turn> lastCustomerTurn(List<Turn> transcript) {
    for (int i = transcript.size() - 1; i >= 0; i--) {
      if (transcript.get(i).speaker() == Speaker.CUSTOMER) {
        return Optional.of(transcript.get(i));
      }
    }
    return Optional.empty();
  }

  static ObjectNode lastMessage(Turn t) {
    ObjectNode m = EventLog.patch();
    m.put("speaker", t.speaker() == null ? null : t.speaker().name());
    String text = t.text() == null ? "" : t.text();
    m.put("text", text.length() > PREVIEW ? text.substring(0, PREVIEW) + "…" : text);
    m.put("at", t.at() == null ? null : t.at().toString());
    return m;
  }
}
