package dev.baton.schemas;

/**
 * Who is responsible for answering the customer. A conversation has exactly one owner: BOT,
 * QUEUED (a handoff is waiting for an agent), AGENT (claimed) or RESOLVED.
 */
public enum Owner {
  BOT,
  QUEUED,
  AGENT,
  RESOLVED
}
