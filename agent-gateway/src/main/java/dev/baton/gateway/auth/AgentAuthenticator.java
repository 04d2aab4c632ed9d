package dev.baton.gateway.auth;

import dev.baton.tenant.Agent;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bearer-token authentication of agents. Tokens come from the environment variables the tenants
 * file names; an agent whose variable is unset cannot sign in. Tokens are compared in constant
 * time and never logged.
 */
@ApplicationScoped
public class AgentAuthenticator {
  private static final String BEARER = "Bearer ";

  private record Entry(byte[] token, AuthenticatedAgent agent) {}

  private final List<Entry> entries = new ArrayList<>();

  public AgentAuthenticator(TenantDirectory tenants) {
    for (TenantConfig tenant : tenants.all()) {
      for (Agent agent : tenant.agents()) {
        if (agent.token() != null && !agent.token().isBlank()) {
          entries.add(new Entry(agent.token().getBytes(StandardCharsets.UTF_8),
              new AuthenticatedAgent(tenant.id(), agent.id(), agent.name(), agent.supervisor())));
        }
      }
    }
  }

  /** The agent, or a 401 problem: call it before looking at anything else in the request. */
  public AuthenticatedAgent require(String authorizationHeader) {
    return authenticate(authorizationHeader).orElseThrow(() -> dev.baton.gateway.rest.Problem.unauthorized());
  }

  public Optional<AuthenticatedAgent> authenticate(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    byte[] given = authorizationHeader.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    AuthenticatedAgent found = null;
    // Check every entry, so the time taken does not tell which token came close.
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.token, given)) {
        found = e.agent;
      }
    }
    return Optional.ofNullable(found);
  }
}
