package dev.baton.support.webchat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schemas.Choice;
import dev.baton.schemas.serde.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * What a web chat visitor's widget is told, one Redis stream per conversation, {@code
 * baton:<tenant>:webchat:<conversation id>}: written by the intake (replies, from the outbound
 * messages it delivers) and by the agent gateway (an agent typing), read by whichever intake
 * instance serves the visitor's event stream. An entry's stream id is the SSE event id, so {@code
 * Last-Event-ID} resumes exactly after it. The stream keeps at most {@link #MAX_ENTRIES} entries
 * and expires {@link #TTL} after its last write.
 *
 * <p>Entry fields: {@code type} ({@link #MESSAGE}, {@link #JOINED}, {@link #TYPING}) and {@code
 * data}, the JSON the widget reads. A message is appended once per message id ({@link #appendOnce}),
 * so a redelivered outbound message shows once. Typing notices are not kept for later: a stream
 * holds only its latest ({@link #appendTyping} deletes the one before), so however long an agent
 * types, the {@link #MAX_ENTRIES} kept are the conversation's messages; and a reader skips one older
 * than {@link #TYPING_FRESH} ({@link #stale}), so a replay shows none.
 * Every method blocks: call it from a worker thread.
 */
public final class WebChatStream {
  public static final String MESSAGE = "message";
  public static final String JOINED = "joined";
  public static final String TYPING = "typing";
  public static final long MAX_ENTRIES = 500;
  public static final Duration TTL = Duration.ofDays(2);
  public static final Duration TYPING_FRESH = Duration.ofSeconds(8);

  /**
   * KEYS: stream, seen mark. ARGV: type, data, max length, TTL s. The seen mark holds the entry's
   * id, so a second append of the same message returns the first one's id and adds nothing.
   */
  private static final String APPEND_ONCE = """
      local seen = redis.call('GET', KEYS[2])
      if seen then return seen end
      local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'type', ARGV[1], 'data', ARGV[2])
      redis.call('SET', KEYS[2], id, 'EX', ARGV[4])
      redis.call('EXPIRE', KEYS[1], ARGV[4])
      return id
      """;

  /**
   * KEYS: stream, last typing mark. ARGV: data, max length, TTL s, type. The mark holds the stream's
   * typing entry, deleted as its successor is added: one typing entry at most in the stream.
   */
  private static final String APPEND_TYPING = """
      local last = redis.call('GET', KEYS[2])
      if last then redis.call('XDEL', KEYS[1], last) end
      local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'type', ARGV[4], 'data', ARGV[1])
      redis.call('SET', KEYS[2], id, 'EX', ARGV[3])
      redis.call('EXPIRE', KEYS[1], ARGV[3])
      return id
      """;

  /** One entry: its position, type and the widget's JSON. */
  public record Entry(StreamEntryID id, String type, String data) {
    static Entry of(StreamEntry e) {
      Map<String, String> f = e.getFields();
      return new Entry(e.getID(), f.getOrDefault("type", ""), f.getOrDefault("data", "{}"));
    }
  }

  private WebChatStream() {}

  /**
   * A {@link #MESSAGE} or {@link #JOINED} entry's data: {@code {"messageId", "from", "agent",
   * "text", "at", "clientId"}}, where {@code from} is {@code customer}, {@code bot}, {@code agent}
   * or {@code system}, {@code agent} the agent's display name (or absent) and {@code clientId} the
   * widget's own id of a customer's message (or absent).
   */
  public static String messageData(String messageId, String from, String agentName, String text, Instant at,
      String clientId) {
    return messageData(messageId, from, agentName, text, at, clientId, List.of());
  }

  /** As above, with the answers the visitor can tap ({@code "choices": [{"id", "title"}]}, absent when none). */
  public static String messageData(String messageId, String from, String agentName, String text, Instant at,
      String clientId, List<Choice> choices) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("messageId", messageId);
    n.put("from", from);
    if (agentName != null) {
      n.put("agent", agentName);
    }
    n.put("text", text);
    n.put("at", at.toString());
    if (clientId != null) {
      n.put("clientId", clientId);
    }
    if (!choices.isEmpty()) {
      ArrayNode list = n.putArray("choices");
      for (Choice c : choices) {
        list.addObject().put("id", c.id()).put("title", c.title());
      }
    }
    return n.toString();
  }

  /** A {@link #TYPING} entry's data: {@code {"agent", "at"}}. */
  public static String typingData(String agentName, Instant at) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("agent", agentName);
    n.put("at", at.toString());
    return n.toString();
  }

  public static String key(String tenantId, String conversationId) {
    return "baton:" + tenantId + ":webchat:" + conversationId;
  }

  static String seenKey(String tenantId, String conversationId, String uniqueId) {
    return "baton:" + tenantId + ":webchat-seen:" + conversationId + ":" + uniqueId;
  }

  /** Appends an entry unless one with {@code uniqueId} (a message id) was appended already; its id either way. */
  public static StreamEntryID appendOnce(RedisClient redis, String tenantId, String conversationId, String uniqueId,
      String type, String data) {
    Object id = redis.eval(APPEND_ONCE, List.of(key(tenantId, conversationId), seenKey(tenantId, conversationId, uniqueId)),
        List.of(type, data, Long.toString(MAX_ENTRIES), Long.toString(TTL.toSeconds())));
    return streamId(id);
  }

  private static StreamEntryID streamId(Object scriptReply) {
    return new StreamEntryID(scriptReply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(scriptReply));
  }

  static String lastTypingKey(String tenantId, String conversationId) {
    return "baton:" + tenantId + ":webchat-typing-last:" + conversationId;
  }

  /** Appends a {@link #TYPING} notice in place of the conversation's previous one; its id. */
  public static StreamEntryID appendTyping(RedisClient redis, String tenantId, String conversationId, String data) {
    Object id = redis.eval(APPEND_TYPING,
        List.of(key(tenantId, conversationId), lastTypingKey(tenantId, conversationId)),
        List.of(data, Long.toString(MAX_ENTRIES), Long.toString(TTL.toSeconds()), TYPING));
    return streamId(id);
  }

  /** Up to {@code count} entries after {@code after} (exclusive), oldest first. */
  public static List<Entry> after(RedisClient redis, String key, StreamEntryID after, int count) {
    List<StreamEntry> found = redis.xrange(key, "(" + after, "+", count);
    List<Entry> out = new ArrayList<>(found.size());
    for (StreamEntry e : found) {
      out.add(Entry.of(e));
    }
    return out;
  }

  /** A typing notice older than {@link #TYPING_FRESH}: the agent has long stopped or sent their reply. */
  public static boolean stale(Entry e, Instant now) {
    return TYPING.equals(e.type()) && e.id().getTime() < now.minus(TYPING_FRESH).toEpochMilli();
  }
}
