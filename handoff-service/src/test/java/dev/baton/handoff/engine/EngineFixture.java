package dev.baton.handoff.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentAction.QueueStatus;
import dev.baton.schemas.AgentAction.Type;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.Intent;
import dev.baton.schemas.Owner;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.Slot;
import dev.baton.schemas.Turn;
import dev.baton.tenant.TenantDirectory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The pure engine with one tenant (agents, a supervisor, queues, resolution codes) and builders. */
final class EngineFixture {
  /** Monday 2026-11-23 10:00 UTC: inside business hours. */
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final String TENANT = "acme";
  static final String C = "c-1";

  static final String YAML =
      """
      version: "1"
      tenants:
        - id: acme
          name: Acme
          timezone: UTC
          businessHours: {days: [MON, TUE, WED, THU, FRI], open: "08:00", close: "18:00"}
          webhookSecretEnv: S
          skills: {get_refund: billing, default: general}
          escalation: {confidenceThreshold: 0.5}
          faq:
            - {id: hours, intent: opening_hours, examples: [when are you open], answer: "We're open Monday to Saturday, 9am to 5pm."}
            - {id: slots, intent: book_appointment, examples: [can I book in], answer: "We have a slot on Tuesday at 10am. Shall I book it?"}
          workspace:
            queueNoticeAfter: 2m
            resolutionCodes: [solved, no-answer]
          agents:
            - {id: dan, name: Dan, tokenEnv: T}
            - {id: erin, name: Erin, tokenEnv: T, skills: [billing]}
            - {id: sam, name: Sam, tokenEnv: T, role: supervisor}
            - {id: vip, name: Vip, tokenEnv: T, skills: [vip-desk]}
      """;

  static final TenantDirectory TENANTS = TenantDirectory.parse(
      new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)), "test", Map.of("S", "s", "T", "t")::get);

  final ConversationEngine engine = new ConversationEngine(TENANTS);
  private int seq;

  EnrichedEvent says(String text, String intent, double confidence) {
    return says(text, intent, confidence, Channel.WHATSAPP, T0);
  }

  /** A message as routing-service would enrich it: its intent, the data in it and the tenant's answer. */
  EnrichedEvent says(String text, String intent, double confidence, List<Slot> slots, ProposedReply reply, Instant at) {
    EnrichedEvent e = says(text, intent, confidence, Channel.WHATSAPP, at);
    return e.withRouting(e.intent(), slots, reply);
  }

  EnrichedEvent says(String text, String intent, double confidence, Channel channel, Instant at) {
    ConversationEvent e = new ConversationEvent(SchemaVersions.CURRENT, "ev-" + (++seq), EventType.CUSTOMER_MESSAGE,
        TENANT, C, channel, at, new Customer("cust-1", "Ana", "+447700900123", null), text, null, Map.of());
    return new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "t"),
        intent == null ? null : new Intent(intent, confidence, null, "t"), List.of(), null);
  }

  /** A conversation waiting in the billing queue since {@code at} (a refund is for people only). */
  ConversationState queued(Instant at) {
    ConversationState q = engine.onEvent(null, says("I want a refund", "get_refund", 0.9, Channel.WHATSAPP, at), at).state();
    assertEquals(Owner.QUEUED, q.owner());
    return q;
  }

  ConversationState queued() {
    return queued(T0);
  }

  ConversationState ownedBy(String agent) {
    Outcome o = act(queued(), action(Type.CLAIM, agent));
    assertEquals(Owner.AGENT, o.state().owner());
    return o.state();
  }

  AgentAction action(Type type, String agent) {
    return action(type, agent, null, null, null, null, null);
  }

  AgentAction action(Type type, String agent, String text, String targetAgent, String targetSkill, String code,
      QueueStatus status) {
    return new AgentAction(SchemaVersions.CURRENT, "act-" + (++seq), type, TENANT, C, agent, text, T0, targetAgent,
        targetSkill, code, status);
  }

  /** The action, handled 30 s after {@link #T0}. */
  Outcome act(ConversationState s, AgentAction a) {
    return engine.onAgentAction(s, a, T0.plusSeconds(30));
  }

  static Turn lastTurn(Outcome o) {
    List<Turn> t = o.state().transcript();
    return t.get(t.size() - 1);
  }
}
