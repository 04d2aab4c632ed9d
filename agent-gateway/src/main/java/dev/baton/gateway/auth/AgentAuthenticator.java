package dev.baton.gateway.auth;

import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.rest.Problem;
import dev.baton.tenant.Agent;
import dev.baton.tenant.AgentTokens;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Who is calling, from {@code Authorization: Bearer <token>}: an identity provider's JWT that
 * {@link SignInFilters} verified for this request ({@code gateway.auth.oidc.enabled}), or a static
 * token of the tenants file ({@code gateway.auth.static-tokens}).
 *
 * <p>Static tokens are kept only as SHA-256 ({@link AgentTokens}): the presented token is hashed
 * and compared in constant time with every agent's hash, without stopping at a match, so the time
 * taken tells nothing about which token came close. Tokens are never logged.
 */
// At startup, so that unusable tokens are reported then, not at the first request.
@Startup
@ApplicationScoped
public class AgentAuthenticator {
  private static final Logger LOG = Logger.getLogger(AgentAuthenticator.class);
  private static final String BEARER = "Bearer ";

  private record Entry(byte[] sha256, AuthenticatedAgent agent) {}

  private final List<Entry> entries = new ArrayList<>();
  private final boolean jwtEnabled;
  /** The agent verified from this request's JWT, if any; empty outside a request. */
  private final Function<String, Optional<AuthenticatedAgent>> verifiedJwt;

  @Inject
  public AgentAuthenticator(TenantDirectory tenants, GatewayConfig config, Instance<VerifiedJwt> verified) {
    this(tenants, config.auth().staticTokens(), config.auth().oidc().enabled(), token -> {
      ManagedContext request = Arc.container().requestContext();
      return request.isActive() ? verified.get().agentFor(token) : Optional.empty();
    });
    if (!config.auth().staticTokens() && !jwtEnabled) {
      LOG.warn("gateway.auth.static-tokens and gateway.auth.oidc.enabled are both false: no agent can sign in");
    }
  }

  /** Static tokens only, as without an identity provider. */
  public AgentAuthenticator(TenantDirectory tenants) {
    this(tenants, true, false, token -> Optional.empty());
  }

  AgentAuthenticator(TenantDirectory tenants, boolean staticTokens, boolean jwtEnabled,
      Function<String, Optional<AuthenticatedAgent>> verifiedJwt) {
    this.jwtEnabled = jwtEnabled;
    this.verifiedJwt = verifiedJwt;
    if (!staticTokens) {
      LOG.info("static agent tokens are off (gateway.auth.static-tokens=false)");
      return;
    }
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
    LOG.infof("%d agents can sign in with a static token", entries.size());
  }

  /** The agent, or a 401 problem: call it before looking at anything else in the request. */
  public AuthenticatedAgent require(String authorizationHeader) {
    return authenticate(authorizationHeader).orElseThrow(Problem::unauthorized);
  }

  public Optional<AuthenticatedAgent> authenticate(String authorizationHeader) {
    String token = bearerToken(authorizationHeader);
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    if (jwtEnabled && JwtSignIn.looksLikeJwt(token)) {
      Optional<AuthenticatedAgent> agent = verifiedJwt.apply(token);
      if (agent.isPresent()) {
        return agent;
      }
    }
    byte[] given = AgentTokens.sha256(token);
    AuthenticatedAgent found = null;
    // Every entry, so the time taken does not tell which token came close.
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.sha256, given)) {
        found = e.agent;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The token of {@code Authorization: Bearer <token>} (scheme in any case), or null. */
  static String bearerToken(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    return authorizationHeader.substring(BEARER.length()).trim();
  }
}
