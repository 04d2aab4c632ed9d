package dev.baton.tenant;

/**
 * A person who answers this tenant's customers.
 *
 * @param token bearer token for the agent gateway, resolved from the environment variable named
 *     in the file ({@code tokenEnv}); null when that variable is unset (the agent cannot sign in)
 */
public record Agent(String id, String name, String token) {
  @Override
  public String toString() {
    return "Agent[id=" + id + ", name=" + name + "]";
  }
}
