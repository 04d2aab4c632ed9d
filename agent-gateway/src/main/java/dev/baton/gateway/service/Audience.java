package dev.baton.gateway.service;

import dev.baton.tenant.Agent;

/**
 * Who may see which event of their tenant's log. Supervisors see everything. An agent sees the
 * queue's comings and goings for the queues they work ({@code handoff}, {@code claimed} — so they
 * know it is taken —, {@code resolved}, {@code handed-back}, {@code reassigned}), offers made to
 * them, and the live messages of a conversation they own or that waits in one of their queues
 * (with how far each message sent to the customer got: {@code delivery});
 * never presence (that is the supervisors' view), never another agent's conversation's messages.
 */
public final class Audience {
  private Audience() {}

  public static boolean sees(Agent agent, LogEntry e) {
    if (agent.supervisor()) {
      return true;
    }
    String me = agent.id();
    boolean mine = me.equals(e.owner()) || me.equals(e.previousOwner());
    boolean myQueue = e.skill().isEmpty() || agent.works(e.skill());
    return switch (e.type()) {
      case "presence" -> false;
      case "offered" -> me.equals(e.offeredTo());
      case "message", "updated", "delivery" -> me.equals(e.owner()) || (e.owner().isEmpty() && myQueue);
      default -> mine || myQueue;
    };
  }
}
