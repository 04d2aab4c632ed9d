package dev.baton.gateway.auth;

import dev.baton.gateway.config.GatewayConfig;
import dev.baton.tenant.Agent;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Sign-in with an identity provider's JWT: Quarkus OIDC verifies the token (signature against the
 * configured issuer's keys or {@code quarkus.oidc.public-key}, expiry, issuer, audience), then its
 * claims must name an agent of the tenants file, whose name, skills, capacity and role come from
 * there. A token that does not verify, or names no agent, signs nobody in.
 */
@ApplicationScoped
public class JwtSignIn {
  private static final Logger LOG = Logger.getLogger(JwtSignIn.class);
  /** Three base64url parts: a JWS compact serialization (a static token has no dots). */
  private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  private static final int MAX_LOGGED = 64;

  private final boolean enabled;
  private final GatewayConfig.Auth.Oidc config;
  private final TenantIdentityProvider identities;
  private final Map<String, Map<String, Agent>> agents = new HashMap<>();

  @Inject
  public JwtSignIn(GatewayConfig config, TenantDirectory tenants, TenantIdentityProvider identities) {
    this(config.auth().oidc(), tenants, identities);
  }

  JwtSignIn(GatewayConfig.Auth.Oidc config, TenantDirectory tenants, TenantIdentityProvider identities) {
    this.config = config;
    this.enabled = config.enabled();
    this.identities = identities;
    for (TenantConfig tenant : tenants.all()) {
      Map<String, Agent> byId = agents.computeIfAbsent(tenant.id(), t -> new HashMap<>());
      tenant.agents().forEach(a -> byId.put(a.id(), a));
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** Whether {@code token} has the shape of a JWT, so it is worth giving to the verifier. */
  public static boolean looksLikeJwt(String token) {
    return token != null && token.length() < 16 * 1024 && JWT.matcher(token).matches();
  }

  /** The agent the token signs in, once it is verified; empty when it does not verify or names no agent. */
  public Uni<Optional<AuthenticatedAgent>> verify(String token) {
    if (!enabled || !looksLikeJwt(token)) {
      return Uni.createFrom().item(Optional.empty());
    }
    return identities.authenticate(new AccessTokenCredential(token))
        .map(this::agentOf)
        .onFailure().recoverWithItem(e -> {
          // Why, never the token: expired, signed by another key, wrong issuer, ...
          LOG.debugf("a bearer JWT did not verify: %s", e.getMessage());
          return Optional.empty();
        });
  }

  private Optional<AuthenticatedAgent> agentOf(SecurityIdentity identity) {
    if (!(identity.getPrincipal() instanceof JsonWebToken jwt)) {
      return Optional.empty();
    }
    return agentOf(jwt::getClaim, identity.getRoles());
  }

  /**
   * The agent that a verified token's claims name: the tenant claim must be a tenant id and the
   * agent claim an agent id of that tenant.
   */
  Optional<AuthenticatedAgent> agentOf(Function<String, Object> claims, Set<String> roles) {
    String tenantId = text(claims.apply(config.tenantClaim()));
    String agentId = text(claims.apply(config.agentClaim()));
    Agent agent = tenantId == null || agentId == null ? null : agents.getOrDefault(tenantId, Map.of()).get(agentId);
    if (agent == null) {
      LOG.infof("a verified JWT names no agent of the tenants file (%s=%s, %s=%s)", config.tenantClaim(),
          shorten(tenantId), config.agentClaim(), shorten(agentId));
      return Optional.empty();
    }
    boolean supervisor = agent.supervisor()
        || config.supervisorFromGroups() && roles != null && roles.contains(config.supervisorGroup());
    return Optional.of(new AuthenticatedAgent(tenantId, agent.id(), agent.name(), supervisor));
  }

  private static String text(Object claim) {
    if (claim instanceof JsonString s) {
      return s.getString();
    }
    return claim instanceof String s && !s.isBlank() ? s : null;
  }

  private static String shorten(String s) {
    return s == null ? "(none)" : s.length() > MAX_LOGGED ? s.substring(0, MAX_LOGGED) + "..." : s;
  }
}
