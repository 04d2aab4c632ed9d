package dev.baton.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.DeliveryStatus.Status;
import dev.baton.schemas.serde.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;

/**
 * How far each message Baton sent got, per conversation: the Redis hash
 * {@code baton:<tenant>:delivery:<conversationId>}, field the message id (the transcript turn's
 * {@code eventId}), value {@code {"status","at","errors"}}. Kept apart from the turns on purpose:
 * a status can arrive before its turn (the intake and the handoff service write different topics),
 * and kept by message id it needs no turn to wait for; the transcript and the {@code message}
 * events merge it in when they read the turn. Expires {@code gateway.transcript.ttl} after the
 * conversation's last status, like its turns. Every method blocks: call it from a worker thread.
 *
 * <p>A status only moves forward ({@link Status#supersedes}, the schema's rule, evaluated here in
 * Java): {@link #apply} reads the current one, and the script writes the new one only if the
 * current is still what Java compared with (else it answers with the current one and Java
 * compares again). The write and the {@code delivery} event on the tenant's log are one script,
 * so a status is applied and announced once: a redelivered record does not supersede itself.
 */
@ApplicationScoped
public class DeliveryStore {
  private static final Logger LOG = Logger.getLogger(DeliveryStore.class);
  /** Statuses change at most three times (sent, delivered, read): more conflicts than that is a bug. */
  private static final int MAX_ATTEMPTS = 8;

  /**
   * KEYS: statuses hash, view, events. ARGV: message id, the status expected now ('' none), the
   * new entry JSON, TTL s, log max length, event data JSON (an object, the view spliced in as
   * {@code conversation}), statuses in which the event is logged. Returns {'conflict', current
   * entry} when the current status is not the expected one; else {'stored', ''} or
   * {'logged', event id}.
   */
  private static final String APPLY = """
      local function v(x) if x == cjson.null then return nil end return x end
      local current = redis.call('HGET', KEYS[1], ARGV[1])
      local status = ''
      if current then status = v(cjson.decode(current).status) or '' end
      if status ~= ARGV[2] then return {'conflict', current or ''} end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
      redis.call('EXPIRE', KEYS[1], ARGV[4])
      local raw = redis.call('GET', KEYS[2])
      if not raw then return {'stored', ''} end
      local view = cjson.decode(raw)
      local open = v(view.status) or 'bot'
      if not string.find(',' .. ARGV[7] .. ',', ',' .. open .. ',', 1, true) then return {'stored', ''} end
      -- Spliced, not re-encoded: cjson would turn an empty errors array into an object.
      local data = string.sub(ARGV[6], 1, -2) .. ',"conversation":' .. raw .. '}'
      local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'type', 'delivery',
        'conv', v(view.conversationId) or '', 'skill', v(view.skill) or '', 'owner', v(view.owner) or '', 'prev', '',
        'to', v(view.offeredTo) or '', 'data', data)
      redis.call('EXPIRE', KEYS[3], ARGV[4])
      return {'logged', id}
      """;

  /** What {@link #apply} did with a status. */
  public enum Outcome {
    /** It did not supersede the message's current status: nothing changed, nothing was logged. */
    UNCHANGED,
    /** Kept; no agent has the conversation open (no view, or not waiting or assigned), so no event. */
    STORED,
    /** Kept, and its {@code delivery} event appended to the tenant's log. */
    LOGGED
  }

  private final RedisClient redis;
  private final Duration ttl;
  private final long maxEntries;
  private final Clock clock;

  @jakarta.inject.Inject
  public DeliveryStore(RedisClient redis, GatewayConfig config) {
    this(redis, config.transcript().ttl(), config.stream().logMaxEntries(), Clock.systemUTC());
  }

  DeliveryStore(RedisClient redis, Duration ttl, long maxEntries, Clock clock) {
    this.redis = redis;
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /** Keeps {@code s} if it supersedes the message's current status, with its event while the conversation is open. */
  public Outcome apply(DeliveryStatus s, ObjectNode entry) {
    OffEventLoop.check();
    String t = s.tenantId();
    ObjectNode data = Json.MAPPER.createObjectNode();
    data.put("type", "delivery");
    data.put("conversationId", s.conversationId());
    data.put("at", clock.instant().toString());
    data.put("messageId", s.messageId());
    data.set("delivery", entry);
    List<String> keys = List.of(key(t, s.conversationId()), EventLog.viewKey(t, s.conversationId()),
        EventLog.eventsKey(t));
    String expected = "";
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Status current = expected.isEmpty() ? null : Status.valueOf(expected);
      if (!s.status().supersedes(current)) {
        return Outcome.UNCHANGED;
      }
      Object result = redis.eval(APPLY, keys, List.of(s.messageId(), expected, entry.toString(),
          Long.toString(ttl.toSeconds()), Long.toString(maxEntries), data.toString(), String.join(",", Projections.OPEN)));
      List<?> answer = (List<?>) result;
      String what = text(answer.get(0));
      if (!"conflict".equals(what)) {
        return "logged".equals(what) ? Outcome.LOGGED : Outcome.STORED;
      }
      String stored = statusOf(text(answer.get(1)));
      if (stored == null) {
        // Written by a newer gateway with a status this one does not know: it knows better.
        LOG.warnf("message %s of %s/%s has a status this gateway cannot compare; kept as it is", s.messageId(), t,
            s.conversationId());
        return Outcome.UNCHANGED;
      }
      expected = stored;
    }
    throw new IllegalStateException("the status of message " + s.messageId() + " kept changing while applied");
  }

  /** The kept status entries of these messages of a conversation, by message id (absent: none known). */
  public Map<String, JsonNode> of(String tenantId, String conversationId, List<String> messageIds) {
    OffEventLoop.check();
    Map<String, JsonNode> out = new HashMap<>();
    if (messageIds.isEmpty()) {
      return out;
    }
    List<String> found = redis.hmget(key(tenantId, conversationId), messageIds.toArray(String[]::new));
    for (int i = 0; i < messageIds.size(); i++) {
      String json = found.get(i);
      if (json != null) {
        out.put(messageIds.get(i), parse(json));
      }
    }
    return out;
  }

  /** The status named by a kept entry, or null when it is not one this gateway knows. */
  private static String statusOf(String entryJson) {
    if (entryJson.isEmpty()) {
      return "";
    }
    String name = parse(entryJson).path("status").asText("");
    try {
      return Status.valueOf(name).name();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable delivery status entry", e);
    }
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
  }

  public static String key(String tenantId, String conversationId) {
    return "baton:" + tenantId + ":delivery:" + conversationId;
  }
}
