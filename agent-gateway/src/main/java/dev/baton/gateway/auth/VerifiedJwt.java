package dev.baton.gateway.auth;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The agent whose JWT {@link SignInFilters} verified for this request, before the resource asked
 * {@link AgentAuthenticator} who is calling: verifying may wait for the issuer's keys, which the
 * resource (on the event loop for a stream) must not.
 */
@RequestScoped
public class VerifiedJwt {
  /** Set once, possibly on another thread than the one that reads it. */
  private volatile Verified verified;

  private record Verified(String token, AuthenticatedAgent agent) {}

  void set(String token, AuthenticatedAgent agent) {
    this.verified = new Verified(token, agent);
  }

  /** The agent, when {@code token} is the one that was verified for this request. */
  Optional<AuthenticatedAgent> agentFor(String token) {
    Verified v = verified;
    return v != null && v.token.equals(token) ? Optional.of(v.agent) : Optional.empty();
  }
}
