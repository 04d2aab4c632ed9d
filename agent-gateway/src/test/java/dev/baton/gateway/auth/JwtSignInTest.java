package dev.baton.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.gateway.config.GatewayConfig;
import dev.baton.tenant.TenantDirectory;
import jakarta.json.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a verified token's claims name an agent of the tenants file (the verifying is Quarkus OIDC's, see SignInTest). */
class JwtSignInTest {
  private static final TenantDirectory TENANTS = TenantDirectory.parse(new ByteArrayInputStream("""
      tenants:
        - id: acme
          webhookSecretEnv: S
          agents:
            - {id: alice, name: Alice}
            - {id: sam, name: Sam, role: supervisor}
        - id: globex
          webhookSecretEnv: S
          agents:
            - {id: gina, name: Gina}
        """.getBytes(StandardCharsets.UTF_8)), "test.yaml", Map.of("S", "s")::get);

  private static JwtSignIn signIn(String agentClaim, boolean supervisorFromGroups) {
    return new JwtSignIn(new Oidc(agentClaim, supervisorFromGroups), TENANTS, null);
  }

  private static Optional<AuthenticatedAgent> agentOf(JwtSignIn signIn, Map<String, Object> claims, Set<String> roles) {
    return signIn.agentOf(claims::get, roles);
  }

  @Test
  void theTenantClaimAndSubNameTheAgentWhoseRoleComesFromTheTenantsFile() {
    JwtSignIn jwt = signIn("sub", true);

    assertEquals(Optional.of(new AuthenticatedAgent("acme", "alice", "Alice", false)),
        agentOf(jwt, Map.of("baton_tenant", "acme", "sub", "alice"), Set.of()));
    assertEquals(Optional.of(new AuthenticatedAgent("acme", "sam", "Sam", true)),
        agentOf(jwt, Map.of("baton_tenant", "acme", "sub", "sam"), Set.of()));
    assertEquals(Optional.of(new AuthenticatedAgent("globex", "gina", "Gina", false)),
        agentOf(jwt, Map.of("baton_tenant", Json.createValue("globex"), "sub", Json.createValue("gina")), Set.of()),
        "claims as JSON strings");
  }

  @Test
  void theSupervisorGroupMakesASupervisorUnlessTurnedOff() {
    Map<String, Object> alice = Map.of("baton_tenant", "acme", "sub", "alice");

    assertTrue(agentOf(signIn("sub", true), alice, Set.of("baton-supervisor")).orElseThrow().supervisor());
    assertFalse(agentOf(signIn("sub", true), alice, Set.of("baton-agents")).orElseThrow().supervisor());
    assertFalse(agentOf(signIn("sub", false), alice, Set.of("baton-supervisor")).orElseThrow().supervisor());
  }

  @Test
  void theAgentClaimIsConfigurable() {
    Map<String, Object> claims = Map.of("baton_tenant", "acme", "sub", "3f2a-idp-user-id", "preferred_username", "alice");

    assertEquals("alice", agentOf(signIn("preferred_username", true), claims, Set.of()).orElseThrow().agentId());
    assertEquals(Optional.empty(), agentOf(signIn("sub", true), claims, Set.of()));
  }

  @Test
  void aTokenThatNamesNoAgentOfThatTenantSignsNobodyIn() {
    JwtSignIn jwt = signIn("sub", true);

    assertEquals(Optional.empty(), agentOf(jwt, Map.of("baton_tenant", "globex", "sub", "alice"), Set.of()), "another tenant's");
    assertEquals(Optional.empty(), agentOf(jwt, Map.of("baton_tenant", "acme", "sub", "mallory"), Set.of()), "unknown agent");
    assertEquals(Optional.empty(), agentOf(jwt, Map.of("baton_tenant", "initech", "sub", "alice"), Set.of()), "unknown tenant");
    assertEquals(Optional.empty(), agentOf(jwt, Map.of("sub", "alice"), Set.of("baton-supervisor")), "no tenant claim");
    assertEquals(Optional.empty(), agentOf(jwt, Map.of("baton_tenant", "acme"), Set.of()), "no agent claim");
    assertEquals(Optional.empty(), agentOf(jwt, Map.of("baton_tenant", 42, "sub", "alice"), Set.of()), "not a string");
  }

  @Test
  void onlyTheShapeOfAJwtGoesToTheVerifier() {
    assertTrue(JwtSignIn.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYW0ifQ.c2ln-_bmF0dXJl"));
    assertFalse(JwtSignIn.looksLikeJwt("test-token-alice-4f1c2a9e7b3d5f60"));
    assertFalse(JwtSignIn.looksLikeJwt("a.b"));
    assertFalse(JwtSignIn.looksLikeJwt("a.b.c.d.e"), "an encrypted JWT is not accepted");
    assertFalse(JwtSignIn.looksLikeJwt("a.b.c d"));
    assertFalse(JwtSignIn.looksLikeJwt(null));
    assertFalse(JwtSignIn.looksLikeJwt("a." + "b".repeat(20_000) + ".c"));
  }

  private record Oidc(String agentClaim, boolean supervisorFromGroups) implements GatewayConfig.Auth.Oidc {
    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public String tenantClaim() {
      return "baton_tenant";
    }

    @Override
    public String supervisorGroup() {
      return "baton-supervisor";
    }
  }
}
