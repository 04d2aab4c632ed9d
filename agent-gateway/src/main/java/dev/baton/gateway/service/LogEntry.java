package dev.baton.gateway.service;

import java.util.Map;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One event of a tenant's log, as the stream serves it: its position, its SSE event name, what
 * decides who may see it (the conversation's queue, owner, previous owner and the agent it is
 * offered to) and its JSON data. Empty strings where a field does not apply.
 */
public record LogEntry(StreamEntryID id, String type, String conversationId, String skill, String owner,
    String previousOwner, String offeredTo, String data) {

  static LogEntry of(StreamEntry e) {
    Map<String, String> f = e.getFields();
    return new LogEntry(e.getID(), f.getOrDefault("type", ""), f.getOrDefault("conv", ""), f.getOrDefault("skill", ""),
        f.getOrDefault("owner", ""), f.getOrDefault("prev", ""), f.getOrDefault("to", ""), f.getOrDefault("data", "{}"));
  }
}
