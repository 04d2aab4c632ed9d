package dev.baton.tenant;

import java.util.regex.Pattern;

/** What an agent id may be, and the one id no tenant agent may take. */
public final class AgentIds {
  /** The agent id of what Baton does by itself (reassignments, queue notices); see AgentAction. */
  public static final String SYSTEM = dev.baton.schemas.AgentAction.SYSTEM_AGENT;
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private AgentIds() {}
}
