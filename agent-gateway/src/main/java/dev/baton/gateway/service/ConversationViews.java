package dev.baton.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schemas.Turn;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.Agent;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.RedisClient;

/**
 * Reads of the conversation views {@link EventLog} keeps: the lists the desktop's tabs show, one
 * conversation, a customer's other conversations. Lists are bounded ({@value #MAX_LIST} per
 * list); the queue comes ordered by priority, then by how long the customer has waited. Every
 * method blocks: call it from a worker thread.
 */
@ApplicationScoped
public class ConversationViews {
  public static final int MAX_LIST = 500;
  public static final List<String> TABS = List.of("mine", "unassigned", "all", "resolved");

  private final RedisClient redis;

  public ConversationViews(RedisClient redis) {
    this.redis = redis;
  }

  public Optional<ObjectNode> get(String tenantId, String conversationId) {
    OffEventLoop.check();
    String json = redis.get(EventLog.viewKey(tenantId, conversationId));
    return Optional.ofNullable(json).map(ConversationViews::parse);
  }

  /** The waiting conversations of the queues this agent works, next to be taken first. */
  public List<ObjectNode> queue(String tenantId, Agent agent) {
    OffEventLoop.check();
    return load(tenantId, redis.zrange(EventLog.queueKey(tenantId), 0, MAX_LIST - 1)).stream()
        .filter(v -> agent.works(text(v, "skill"))).toList();
  }

  public List<ObjectNode> mine(String tenantId, String agentId) {
    OffEventLoop.check();
    List<ObjectNode> views = new ArrayList<>(load(tenantId,
        new ArrayList<>(redis.smembers(EventLog.assignedPrefix(tenantId) + agentId))));
    views.removeIf(v -> !agentId.equals(text(v, "owner")) || !"assigned".equals(text(v, "status")));
    views.sort(Comparator.comparing((ObjectNode v) -> text(v, "updatedAt")).reversed());
    return views;
  }

  /** Every open conversation (waiting, offered or with an agent) the agent may see, newest first. */
  public List<ObjectNode> open(String tenantId, Agent agent) {
    OffEventLoop.check();
    return load(tenantId, redis.zrevrange(EventLog.allKey(tenantId), 0, MAX_LIST - 1)).stream()
        .filter(v -> List.of("queued", "offered", "assigned").contains(text(v, "status")))
        .filter(v -> agent.works(text(v, "skill")) || agent.id().equals(text(v, "owner")))
        .toList();
  }

  public List<ObjectNode> resolved(String tenantId, Agent agent) {
    OffEventLoop.check();
    return load(tenantId, redis.zrevrange(EventLog.resolvedKey(tenantId), 0, MAX_LIST - 1)).stream()
        .filter(v -> "resolved".equals(text(v, "status")))
        .filter(v -> agent.works(text(v, "skill")) || agent.id().equals(text(v, "resolvedBy")))
        .toList();
  }

  /** The tab's conversations, filtered by {@code query} (customer, conversation id, summary). */
  public Map<String, List<ObjectNode>> tabs(String tenantId, Agent agent, String query) {
    Map<String, List<ObjectNode>> out = new LinkedHashMap<>();
    out.put("mine", matching(mine(tenantId, agent.id()), query));
    out.put("unassigned", matching(queue(tenantId, agent), query));
    out.put("all", matching(open(tenantId, agent), query));
    out.put("resolved", matching(resolved(tenantId, agent), query));
    return out;
  }

  /** The customer's other conversations with this tenant, newest first. */
  public List<ObjectNode> previous(String tenantId, ObjectNode view, int limit) {
    OffEventLoop.check();
    String customer = customerKey(view.path("customer"));
    if (customer == null) {
      return List.of();
    }
    List<String> ids = new ArrayList<>(redis.zrevrange(EventLog.customerKey(tenantId, customer), 0, limit));
    ids.remove(text(view, "conversationId"));
    ids = ids.subList(0, Math.min(limit, ids.size()));
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> json = redis.mget(ids.stream().map(id -> EventLog.viewKey(tenantId, id)).toArray(String[]::new));
    List<ObjectNode> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      if (json.get(i) != null) {
        out.add(parse(json.get(i)));
      } else {
        botOnly(tenantId, ids.get(i)).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * A conversation agents never had, as its transcript tells it: the bot's alone ({@code status}
   * {@code bot}), when it last moved, its last line and how many turns it has.
   */
  private Optional<ObjectNode> botOnly(String tenantId, String conversationId) {
    String turns = TranscriptStore.key(tenantId, conversationId);
    List<String> last = redis.zrevrange(turns, 0, 0);
    if (last.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("conversationId", conversationId);
    v.put("status", "bot");
    v.put("turns", redis.zcard(turns));
    JsonNode turn = parse(last.get(0)).path("turn");
    if (turn.hasNonNull("at")) {
      v.put("updatedAt", turn.path("at").asText());
    }
    try {
      v.set("lastMessage", Projections.lastMessage(Json.MAPPER.treeToValue(turn, Turn.class)));
    } catch (IOException | IllegalArgumentException newerThanThisGateway) {
      // Listed without its last line.
    }
    return Optional.of(v);
  }

  /** The key the customer's conversations are indexed by: their id, else phone, else email. */
  public static String customerKey(JsonNode customer) {
    for (String field : List.of("id", "phone", "email")) {
      String value = customer.path(field).asText("");
      if (!value.isBlank() && value.length() <= 256) {
        return field + ":" + value;
      }
    }
    return null;
  }

  public long load(String tenantId, String agentId) {
    OffEventLoop.check();
    return redis.scard(EventLog.assignedPrefix(tenantId) + agentId);
  }

  private List<ObjectNode> load(String tenantId, List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> json = redis.mget(ids.stream().map(id -> EventLog.viewKey(tenantId, id)).toArray(String[]::new));
    List<ObjectNode> out = new ArrayList<>(ids.size());
    for (String j : json) {
      if (j != null) {
        out.add(parse(j));
      }
    }
    return out;
  }

  private static List<ObjectNode> matching(List<ObjectNode> views, String query) {
    if (query == null || query.isBlank()) {
      return views;
    }
    String q = query.toLowerCase(Locale.ROOT);
    return views.stream().filter(v -> {
      JsonNode c = v.path("customer");
      return List.of(text(v, "conversationId"), text(v, "summary"), c.path("name").asText(""),
          c.path("phone").asText(""), c.path("email").asText("")).stream()
          .anyMatch(s -> s.toLowerCase(Locale.ROOT).contains(q));
    }).toList();
  }

  public static String text(JsonNode view, String field) {
    JsonNode n = view.get(field);
    return n == null || n.isNull() ? "" : n.asText();
  }

  static ObjectNode parse(String json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("unreadable conversation view", e);
    }
  }
}
