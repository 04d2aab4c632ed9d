package dev.baton.gateway.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.schemas.serde.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The agents' side of every conversation, in Redis: the conversation's {@linkplain
 * ConversationViews view} (status, owner, queue, priority, waiting time, customer, last message),
 * the indexes the desktop lists by (the queue ordered by priority then waiting time, each agent's
 * conversations, all, resolved, each customer's), and each tenant's <b>event log</b>, the Redis
 * stream {@code baton:<tenant>:events} that every gateway instance tails and serves to its agents'
 * streams. An entry's stream id is the SSE event id, so {@code Last-Event-ID} is a position in
 * the log: a client that reconnects gets exactly what came after it, in order.
 *
 * <p>{@link #apply} changes a view, its indexes and appends the event describing the change in
 * one Lua script: atomic whichever instance and consumer thread applies it, and with the source's
 * id remembered in the same step, so a redelivered Kafka record changes nothing. The event carries
 * the view as it is after the change, so clients replace what they hold (an event applied twice
 * or after a snapshot leaves the same result). Every method blocks: call it from a worker thread.
 *
 * <p>A patch sets fields; a field named {@code ?name} is set only when the view has no value for
 * it; {@code _guard: {field, keys}} drops {@code keys} from the patch when the view's {@code field}
 * already equals the patch's (a handoff record redelivered or updated after an agent claimed it
 * must not put it back in the queue); {@code turns} never goes down.
 */
@ApplicationScoped
public class EventLog {
  /**
   * KEYS: view, seen, queue, all, resolved, events. ARGV: conversation id, patch JSON, event type
   * ('' for none), event extra JSON, view TTL s, log max length, dedupe (1/0), require an existing
   * view (1/0), the turn seq (-1: none; a turn older than the view's count is a redelivery), now
   * (ms), assigned-set key prefix, statuses in which the event is logged ('' any), customer index
   * key ('' none), now (ISO-8601), the conversation's delivery-status hash ('' none) and the message id
   * whose status the event carries beside its data (spliced in as stored, not re-encoded: Redis's
   * cjson would turn an empty {@code errors} array into an object).
   */
  private static final String APPLY = """
      local function v(x) if x == cjson.null then return nil end return x end
      if ARGV[7] == '1' and not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[5]) then return nil end
      local raw = redis.call('GET', KEYS[1])
      if not raw and ARGV[8] == '1' then return nil end
      local view = raw and cjson.decode(raw) or {}
      local seq = tonumber(ARGV[9])
      if seq >= 0 and v(view.turns) and seq < tonumber(view.turns) then return nil end
      local before = v(view.owner)
      local patch = cjson.decode(ARGV[2])
      local guard = patch._guard
      patch._guard = nil
      if guard and v(view[guard.field]) ~= nil and view[guard.field] == patch[guard.field] then
        for _, k in ipairs(guard.keys) do patch[k] = nil end
      end
      if v(patch.turns) and v(view.turns) and tonumber(view.turns) > tonumber(patch.turns) then patch.turns = view.turns end
      for k, val in pairs(patch) do
        if string.sub(k, 1, 1) == '?' then
          local name = string.sub(k, 2)
          if v(view[name]) == nil then view[name] = val end
        else
          view[k] = val
        end
      end
      view.conversationId = ARGV[1]
      local status = v(view.status) or 'bot'
      local owner = v(view.owner)
      local conv = ARGV[1]
      local now = tonumber(ARGV[10])
      if status == 'queued' or status == 'offered' then
        local score = (tonumber(v(view.priority)) or 4) * 1e13 + (tonumber(v(view.waitingSinceMs)) or now)
        redis.call('ZADD', KEYS[3], string.format('%.0f', score), conv)
      else
        redis.call('ZREM', KEYS[3], conv)
      end
      if before and before ~= owner then redis.call('SREM', ARGV[11] .. before, conv) end
      if status == 'assigned' and owner then
        redis.call('SADD', ARGV[11] .. owner, conv)
        redis.call('EXPIRE', ARGV[11] .. owner, ARGV[5])
      elseif owner then
        redis.call('SREM', ARGV[11] .. owner, conv)
      end
      redis.call('ZADD', KEYS[4], ARGV[10], conv)
      redis.call('EXPIRE', KEYS[4], ARGV[5])
      redis.call('EXPIRE', KEYS[3], ARGV[5])
      if status == 'resolved' then redis.call('ZADD', KEYS[5], ARGV[10], conv) else redis.call('ZREM', KEYS[5], conv) end
      redis.call('EXPIRE', KEYS[5], ARGV[5])
      if ARGV[13] ~= '' then
        redis.call('ZADD', ARGV[13], ARGV[10], conv)
        redis.call('EXPIRE', ARGV[13], ARGV[5])
      end
      view.updatedAt = ARGV[14]
      local json = cjson.encode(view)
      redis.call('SET', KEYS[1], json, 'EX', ARGV[5])
      local id = ''
      local logged = ARGV[3] ~= ''
      -- The owner claiming again (a second click, a retry) changes nothing anyone must hear about.
      if ARGV[3] == 'claimed' and before ~= nil and before == owner then logged = false end
      if logged and ARGV[12] ~= '' then
        logged = string.find(',' .. ARGV[12] .. ',', ',' .. status .. ',', 1, true) ~= nil
      end
      if logged then
        local data = cjson.decode(ARGV[4])
        data.type = ARGV[3]
        data.conversationId = conv
        data.at = ARGV[14]
        data.conversation = view
        if before and before ~= owner and data.previousOwner == nil then data.previousOwner = before end
        local encoded = cjson.encode(data)
        if ARGV[15] ~= '' then
          local delivery = redis.call('HGET', ARGV[15], ARGV[16])
          if delivery then encoded = string.sub(encoded, 1, -2) .. ',"delivery":' .. delivery .. '}' end
        end
        id = redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[6], '*', 'type', ARGV[3], 'conv', conv,
          'skill', v(view.skill) or '', 'owner', owner or '', 'prev', before or '', 'to', v(view.offeredTo) or '',
          'data', encoded)
        redis.call('EXPIRE', KEYS[6], ARGV[5])
      end
      return {id, json}
      """;

  /** What {@link #apply} did: the logged event's id (empty when none was logged) and the view. */
  public record Applied(String eventId, String viewJson) {}

  /** A change to apply: see {@link #apply}. */
  public record Change(String tenantId, String conversationId, ObjectNode patch, String eventType, ObjectNode extra,
      String sourceId, boolean requireExisting, long turnSeq, String loggedIn, String customerKey,
      String deliveryMessageId) {

    public static Change of(String tenantId, String conversationId, ObjectNode patch) {
      return new Change(tenantId, conversationId, patch, null, null, null, false, -1, null, null, null);
    }

    public Change event(String type, ObjectNode extraFields) {
      return new Change(tenantId, conversationId, patch, type, extraFields, sourceId, requireExisting, turnSeq, loggedIn,
          customerKey, deliveryMessageId);
    }

    /** Applied at most once per source id (a Kafka record's id: handoff id, action id). */
    public Change once(String source) {
      return new Change(tenantId, conversationId, patch, eventType, extra, source, requireExisting, turnSeq, loggedIn,
          customerKey, deliveryMessageId);
    }

    /** Only for a conversation that has a view already (one that was handed to people). */
    public Change existingOnly() {
      return new Change(tenantId, conversationId, patch, eventType, extra, sourceId, true, turnSeq, loggedIn,
          customerKey, deliveryMessageId);
    }

    /** A turn: ignored when the view has counted it already. */
    public Change turn(long seq) {
      return new Change(tenantId, conversationId, patch, eventType, extra, sourceId, requireExisting, seq, loggedIn,
          customerKey, deliveryMessageId);
    }

    /** The event is logged only while the conversation's status (after the change) is one of these. */
    public Change loggedWhile(String... statuses) {
      return new Change(tenantId, conversationId, patch, eventType, extra, sourceId, requireExisting, turnSeq,
          String.join(",", statuses), customerKey, deliveryMessageId);
    }

    public Change customer(String key) {
      return new Change(tenantId, conversationId, patch, eventType, extra, sourceId, requireExisting, turnSeq, loggedIn,
          key, deliveryMessageId);
    }

    /**
     * The event carries, as {@code delivery}, the delivery status already kept for this message
     * (one that arrived before its turn), read in the same step as the event is logged.
     */
    public Change delivery(String messageId) {
      return new Change(tenantId, conversationId, patch, eventType, extra, sourceId, requireExisting, turnSeq, loggedIn,
          customerKey, messageId);
    }
  }

  private final RedisClient redis;
  private final Duration ttl;
  private final long maxEntries;
  private final Clock clock;

  @jakarta.inject.Inject
  public EventLog(RedisClient redis, GatewayConfig config) {
    this(redis, config.transcript().ttl(), config.stream().logMaxEntries(), Clock.systemUTC());
  }

  EventLog(RedisClient redis, Duration ttl, long maxEntries, Clock clock) {
    this.redis = redis;
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /** Applies a change; empty when it was skipped (seen before, or no such view where one is required). */
  public Optional<Applied> apply(Change c) {
    OffEventLoop.check();
    String t = c.tenantId();
    long now = clock.millis();
    List<String> keys = List.of(viewKey(t, c.conversationId()),
        c.sourceId() == null ? "baton:" + t + ":seen:-" : "baton:" + t + ":seen:" + c.sourceId(),
        queueKey(t), allKey(t), resolvedKey(t), eventsKey(t));
    List<String> args = List.of(c.conversationId(), c.patch().toString(),
        c.eventType() == null ? "" : c.eventType(), c.extra() == null ? "{}" : c.extra().toString(),
        Long.toString(ttl.toSeconds()), Long.toString(maxEntries), c.sourceId() == null ? "0" : "1",
        c.requireExisting() ? "1" : "0", Long.toString(c.turnSeq()), Long.toString(now), assignedPrefix(t),
        c.loggedIn() == null ? "" : c.loggedIn(), c.customerKey() == null ? "" : customerKey(t, c.customerKey()),
        java.time.Instant.ofEpochMilli(now).toString(),
        c.deliveryMessageId() == null ? "" : DeliveryStore.key(t, c.conversationId()),
        c.deliveryMessageId() == null ? "" : c.deliveryMessageId());
    Object result = redis.eval(APPLY, keys, args);
    if (!(result instanceof List<?> list) || list.size() < 2) {
      return Optional.empty();
    }
    return Optional.of(new Applied(text(list.get(0)), text(list.get(1))));
  }

  /** Appends an event that changes no conversation (presence); its id. */
  public String append(String tenantId, String type, ObjectNode data) {
    OffEventLoop.check();
    data.put("type", type);
    data.put("at", clock.instant().toString());
    StreamEntryID id = redis.xadd(eventsKey(tenantId), XAddParams.xAddParams().maxLen(maxEntries).approximateTrimming(),
        Map.of("type", type, "conv", "", "skill", "", "owner", "", "prev", "", "to", "", "data", data.toString()));
    redis.expire(eventsKey(tenantId), ttl.toSeconds());
    return id.toString();
  }

  /** Up to {@code count} entries after {@code after} (exclusive), oldest first. */
  public List<LogEntry> after(String tenantId, StreamEntryID after, int count) {
    OffEventLoop.check();
    List<StreamEntry> found = redis.xrange(eventsKey(tenantId), "(" + after, "+", count);
    List<LogEntry> out = new ArrayList<>(found.size());
    for (StreamEntry e : found) {
      out.add(LogEntry.of(e));
    }
    return out;
  }

  /** The id of the newest entry, or 0-0 for an empty log. */
  public StreamEntryID last(String tenantId) {
    OffEventLoop.check();
    List<StreamEntry> newest = redis.xrevrange(eventsKey(tenantId), "+", "-", 1);
    return newest.isEmpty() ? new StreamEntryID(0, 0) : newest.get(0).getID();
  }

  /**
   * Whether entries after {@code position} may have been trimmed away (the log keeps
   * {@code gateway.stream.log-max-entries}): then a client resuming there must start afresh.
   */
  public boolean trimmedAfter(String tenantId, StreamEntryID position) {
    OffEventLoop.check();
    if (!redis.exists(eventsKey(tenantId))) {
      // The whole log expired (or never was): anything before now is gone.
      return position.compareTo(new StreamEntryID(0, 0)) > 0;
    }
    Object maxDeleted = redis.xinfoStream(eventsKey(tenantId)).getStreamInfo().get("max-deleted-entry-id");
    if (maxDeleted == null) {
      return false;
    }
    StreamEntryID deleted = new StreamEntryID(text(maxDeleted));
    return position.compareTo(deleted) < 0;
  }

  private static String text(Object o) {
    if (o == null) {
      return "";
    }
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o.toString();
  }

  /** A patch object to fill. */
  public static ObjectNode patch() {
    return Json.MAPPER.createObjectNode();
  }

  public static String viewKey(String tenantId, String conversationId) {
    return "baton:" + tenantId + ":conv:" + conversationId;
  }

  public static String queueKey(String tenantId) {
    return "baton:" + tenantId + ":queue";
  }

  public static String allKey(String tenantId) {
    return "baton:" + tenantId + ":convs";
  }

  public static String resolvedKey(String tenantId) {
    return "baton:" + tenantId + ":resolved";
  }

  public static String eventsKey(String tenantId) {
    return "baton:" + tenantId + ":events";
  }

  public static String assignedPrefix(String tenantId) {
    return "baton:" + tenantId + ":assigned:";
  }

  public static String customerKey(String tenantId, String customer) {
    return "baton:" + tenantId + ":customer:" + customer;
  }
}
