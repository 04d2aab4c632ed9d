package dev.baton.tenant;

import java.util.List;

/**
 * A person who answers this tenant's customers.
 *
 * @param tokenHash SHA-256 of the agent's static bearer token for the agent gateway, as {@code
 *     sha256:<64 hex>} ({@link AgentTokens}), from the environment variable named in the file
 *     ({@code tokenEnv}); a plain token given here is hashed at once and not kept. Null when the
 *     agent has no usable token (no {@code tokenEnv}, variable unset, token shorter than {@value
 *     AgentTokens#MIN_LENGTH}): they cannot sign in with one (they may with an identity provider's JWT)
 * @param role {@link #AGENT} (the default) or {@link #SUPERVISOR}, who sees every queue and agent
 *     of the tenant, may reassign or take over any conversation and reads the audit log
 * @param skills the queues this agent works; empty means every queue
 * @param capacity conversations this agent may own at once (default {@value #DEFAULT_CAPACITY})
 */
public record Agent(String id, String name, String tokenHash, String role, List<String> skills, int capacity) {
  public static final String AGENT = "agent";
  public static final String SUPERVISOR = "supervisor";
  public static final int DEFAULT_CAPACITY = 3;

  public Agent {
    tokenHash = AgentTokens.normalize(tokenHash);
    role = role == null ? AGENT : role;
    skills = skills == null ? List.of() : List.copyOf(skills);
    capacity = capacity <= 0 ? DEFAULT_CAPACITY : capacity;
  }

  /** An agent of every queue with the default capacity. */
  public Agent(String id, String name, String token, String role) {
    this(id, name, token, role, List.of(), DEFAULT_CAPACITY);
  }

  /** An agent with the default role. */
  public Agent(String id, String name, String token) {
    this(id, name, token, AGENT);
  }

  public boolean supervisor() {
    return SUPERVISOR.equals(role);
  }

  /** Whether this agent works the queue {@code skill}; supervisors and agents without skills work all. */
  public boolean works(String skill) {
    return supervisor() || skills.isEmpty() || skill == null || skills.contains(skill);
  }

  @Override
  public String toString() {
    return "Agent[id=" + id + ", name=" + name + ", role=" + role + "]";
  }
}
