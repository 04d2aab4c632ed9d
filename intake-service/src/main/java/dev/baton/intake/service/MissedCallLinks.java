package dev.baton.intake.service;

import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Links the customer's next conversation to the call they missed, so that missed-call recovery can
 * be seen and counted: the first message or call from the same number after a missed call carries
 * {@value #CONVERSATION} and {@value #AT}, on whichever channel it comes (a WhatsApp reply to the
 * acknowledgement, an SMS, a call back). Customers are matched by phone in E.164, which every
 * channel adapter normalises to.
 *
 * <p>One Redis key per tenant and number ({@code baton:<tenant>:missed-call:<E.164>}, kept {@link
 * #KEPT}): written once the missed call is published, read for each later event from that number
 * and deleted (only if it still names the same call) once the linked event is published — so a
 * retried webhook links again, and a missed call links one conversation only. Attributes of these
 * names sent by a client are dropped: only Baton links.
 */
@ApplicationScoped
public class MissedCallLinks {
  public static final String CONVERSATION = ConversationEvent.MISSED_CALL_CONVERSATION;
  public static final String AT = ConversationEvent.MISSED_CALL_AT;
  /** How long a missed call waits for the customer to come back. */
  public static final Duration KEPT = Duration.ofDays(7);

  private static final String DELETE_IF_SAME =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

  private final RedisClient redis;

  @Inject
  public MissedCallLinks(RedisClient redis) {
    this.redis = redis;
  }

  /** The missed call a later event links to, as its key held it. */
  public record Link(String key, String value) {}

  /** The event to publish, and the missed call it links to (null for none). */
  public record Linked(ConversationEvent event, Link link) {}

  /**
   * The event as it should be published: with the link to the number's missed call when it is the
   * first to come after one, and without any {@code missedCall.*} attribute a client sent.
   */
  public Linked link(ConversationEvent event) {
    Map<String, String> attributes = event.attributes();
    boolean forged = attributes.containsKey(CONVERSATION) || attributes.containsKey(AT);
    String phone = event.customer() == null ? null : event.customer().phone();
    boolean opens = event.type() == EventType.CUSTOMER_MESSAGE || event.type() == EventType.CALL_STARTED;
    String value = null;
    String key = null;
    if (opens && phone != null && !phone.isBlank()) {
      key = key(event.tenantId(), phone);
      value = redis.get(key);
    }
    if (!forged && value == null) {
      return new Linked(event, null);
    }
    Map<String, String> a = new LinkedHashMap<>(attributes);
    a.remove(CONVERSATION);
    a.remove(AT);
    int cut = value == null ? -1 : value.indexOf('|');
    Link link = null;
    if (cut > 0) {
      a.put(CONVERSATION, value.substring(cut + 1));
      a.put(AT, value.substring(0, cut));
      link = new Link(key, value);
    }
    return new Linked(new ConversationEvent(event.schemaVersion(), event.eventId(), event.type(), event.tenantId(),
        event.conversationId(), event.channel(), event.occurredAt(), event.customer(), event.text(), event.agentId(), a),
        link);
  }

  /** After a publish: remembers a missed call, or forgets the one a published event linked to. */
  public void published(ConversationEvent event, Link linked) {
    if (linked != null) {
      redis.eval(DELETE_IF_SAME, List.of(linked.key()), List.of(linked.value()));
    }
    String phone = event.customer() == null ? null : event.customer().phone();
    if (event.type() == EventType.CALL_MISSED && phone != null && !phone.isBlank()) {
      redis.set(key(event.tenantId(), phone), event.occurredAt() + "|" + event.conversationId(),
          SetParams.setParams().ex(KEPT.toSeconds()));
    }
  }

  static String key(String tenantId, String phone) {
    return "baton:" + tenantId + ":missed-call:" + phone;
  }
}
