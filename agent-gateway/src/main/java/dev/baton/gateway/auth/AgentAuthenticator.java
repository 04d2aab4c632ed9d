package dev.baton.gateway.auth;

import dev.baton.tenant.Agent;
import dev.baton.tenant.AgentTokens;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Bearer-token authentication of agents. Tokens come from the environment variables the tenants
 * file names and are kept only as SHA-256 ({@link AgentTokens}); an agent whose variable is unset
 * or too short cannot sign in. The presented token's SHA-256 is compared in constant time with
 * every agent's; tokens are never logged.
 */
@ApplicationScoped
public class AgentAuthenticator {
  private static final Logger LOG = Logger.getLogger(AgentAuthenticator.class);
  private static final String BEARER = "Bearer ";

  private record Entry(byte[] sha256, AuthenticatedAgent agent) {}

  private final List<Entry> entries = new ArrayList<>();

  public AgentAuthenticator(TenantDirectory tenants) {
    for (TenantConfig tenant : tenants.all()) {
      for (Agent agent : tenant.agents()) {
        if (agent.tokenHash() != null) {
          entries.add(new Entry(AgentTokens.bytes(agent.tokenHash()),
              new AuthenticatedAgent(tenant.id(), agent.id(), agent.name(), agent.supervisor())));
        }
      }
    }
    // Names the agent, tenant and variable; never the token.
    tenants.warnings().forEach(LOG::warn);
  }

  /** The agent, or a 401 problem: call it before looking at anything else in the request. */
  public AuthenticatedAgent require(String authorizationHeader) {
    return authenticate(authorizationHeader).orElseThrow(() -> dev.baton.gateway.rest.Problem.unauthorized());
  }

  public Optional<AuthenticatedAgent> authenticate(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    byte[] given = AgentTokens.sha256(authorizationHeader.substring(BEARER.length()).trim());
    AuthenticatedAgent found = null;
    // Check every entry, so the time taken does not tell which token came close.
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.sha256, given)) {
        found = e.agent;
      }
    }
    return Optional.ofNullable(found);
  }
}
