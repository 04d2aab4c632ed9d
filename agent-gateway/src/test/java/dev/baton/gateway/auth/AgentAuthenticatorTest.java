package dev.baton.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.tenant.AgentTokens;
import dev.baton.tenant.TenantDirectory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AgentAuthenticatorTest {
  private static final String ALICE_TOKEN = "alice-plain-token-0123456789abcdef";
  private static final String SAM_TOKEN = "sam-hashed-token-0123456789abcdef0";
  private static final AuthenticatedAgent ALICE = new AuthenticatedAgent("acme", "alice", "Alice", false);
  private static final AuthenticatedAgent SAM = new AuthenticatedAgent("acme", "sam", "Sam", true);
  private static final String A_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYW0ifQ.c2lnbmF0dXJl";

  /** alice's variable holds her plain token, sam's the hash only, carl's a token too short to use. */
  private static final TenantDirectory TENANTS = TenantDirectory.parse(new ByteArrayInputStream("""
      tenants:
        - id: acme
          webhookSecretEnv: S
          agents:
            - {id: alice, name: Alice, tokenEnv: ALICE}
            - {id: sam, name: Sam, tokenEnv: SAM, role: supervisor}
            - {id: carl, name: Carl, tokenEnv: CARL}
        """.getBytes(StandardCharsets.UTF_8)), "test.yaml",
      Map.of("S", "s", "ALICE", ALICE_TOKEN, "SAM", AgentTokens.hash(SAM_TOKEN), "CARL", "carl-short-token")::get);

  private static AgentAuthenticator staticOnly() {
    return new AgentAuthenticator(TENANTS, true, false, t -> Optional.empty());
  }

  @Test
  void aPlainTokenFromTheEnvironmentSignsItsAgentIn() {
    assertEquals(Optional.of(ALICE), staticOnly().authenticate("Bearer " + ALICE_TOKEN));
    assertEquals(Optional.of(ALICE), staticOnly().authenticate("bearer   " + ALICE_TOKEN + " "), "scheme in any case");
  }

  @Test
  void aTokenWhoseHashAloneIsOnTheServerSignsItsAgentIn() {
    assertEquals(Optional.of(SAM), staticOnly().authenticate("Bearer " + SAM_TOKEN));
  }

  @Test
  void theHashItselfIsNotAToken() {
    assertEquals(Optional.empty(), staticOnly().authenticate("Bearer " + AgentTokens.hash(SAM_TOKEN)));
    assertEquals(Optional.empty(), staticOnly().authenticate("Bearer " + AgentTokens.hash(SAM_TOKEN).substring(7)));
  }

  @Test
  void aTooShortTokenSignsNobodyInAndIsReportedWithoutTheToken() {
    assertEquals(Optional.empty(), staticOnly().authenticate("Bearer carl-short-token"));
    assertEquals(1, TENANTS.warnings().size());
    String warning = TENANTS.warnings().get(0);
    assertTrue(warning.contains("agent carl of tenant acme") && warning.contains("CARL is shorter than 32"), warning);
    assertTrue(!warning.contains("carl-short-token"), warning);
  }

  @Test
  void wrongNearlyRightAndMalformedHeadersSignNobodyIn() {
    AgentAuthenticator auth = staticOnly();
    for (String header : new String[] {null, "", "Bearer", "Bearer ", "Bearer nope", ALICE_TOKEN,
        "Basic " + ALICE_TOKEN, "Bearer " + ALICE_TOKEN + "x", "Bearer " + ALICE_TOKEN.substring(1),
        "Bearer" + ALICE_TOKEN, "Bearer " + "A".repeat(5000)}) {
      assertEquals(Optional.empty(), auth.authenticate(header), String.valueOf(header));
    }
  }

  @Test
  void requireAnswers401WithAProblemBody() {
    jakarta.ws.rs.WebApplicationException e = org.junit.jupiter.api.Assertions.assertThrows(
        jakarta.ws.rs.WebApplicationException.class, () -> staticOnly().require("Bearer nope"));

    assertEquals(401, e.getResponse().getStatus());
    assertEquals("application/problem+json", e.getResponse().getMediaType().toString());
  }

  @Test
  void staticTokensCanBeTurnedOff() {
    AgentAuthenticator auth = new AgentAuthenticator(TENANTS, false, true, t -> Optional.empty());

    assertEquals(Optional.empty(), auth.authenticate("Bearer " + ALICE_TOKEN));
    assertEquals(Optional.empty(), auth.authenticate("Bearer " + SAM_TOKEN));
  }

  @Test
  void aJwtIsTheAgentVerifiedForTheRequestWhenSignInWithJwtsIsOn() {
    Function<String, Optional<AuthenticatedAgent>> verified = t -> t.equals(A_JWT) ? Optional.of(SAM) : Optional.empty();

    assertEquals(Optional.of(SAM), new AgentAuthenticator(TENANTS, false, true, verified).authenticate("Bearer " + A_JWT));
    assertEquals(Optional.empty(), new AgentAuthenticator(TENANTS, true, false, verified).authenticate("Bearer " + A_JWT),
        "JWTs off: only static tokens count");
    assertEquals(Optional.of(ALICE), new AgentAuthenticator(TENANTS, true, true, verified).authenticate("Bearer " + ALICE_TOKEN),
        "static tokens still work beside JWTs");
  }
}
