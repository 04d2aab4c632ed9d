package dev.baton.tenant;

/**
 * A person who answers this tenant's customers.
 *
 * @param token bearer token for the agent gateway, resolved from the environment variable named
 *     in the file ({@code tokenEnv}); null when that variable is unset (the agent cannot sign in)
 * @param role {@link #AGENT} (the default) or {@link #SUPERVISOR}, who may also read the tenant's
 *     audit log
 */
public record Agent(String id, String name, String token, String role) {
  public static final String AGENT = "agent";
  public static final String SUPERVISOR = "supervisor";

  public Agent {
    role = role == null ? AGENT : role;
  }

  /** An agent with the default role. */
  public Agent(String id, String name, String token) {
    this(id, name, token, AGENT);
  }

  public boolean supervisor() {
    return SUPERVISOR.equals(role);
  }

  @Override
  public String toString() {
    return "Agent[id=" + id + ", name=" + name + ", role=" + role + "]";
  }
}
