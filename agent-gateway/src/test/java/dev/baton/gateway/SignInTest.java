package dev.baton.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Sign-in as in production: bearer JWTs of an identity provider (verified by Quarkus OIDC against
 * a key made in the test) beside the static tokens, and the limit on failed sign-ins per address.
 * The audit log is the endpoint: it answers 200 to a supervisor, 403 to another agent, 401 to
 * nobody, so it shows both who signed in and with which role.
 */
@QuarkusTest
@TestProfile(SignInTestProfile.class)
@QuarkusTestResource(GatewayTestResource.class)
class SignInTest {
  private static final String AUDIT = "/v1/agent/audit";
  private static final String SAM = "Bearer " + GatewayTestResource.SUPERVISOR_TOKEN;
  /** A fresh client address per request in the JWT tests, so their 401s never reach the limit. */
  private static final AtomicInteger ADDRESSES = new AtomicInteger();

  private static String freshAddress() {
    int n = ADDRESSES.incrementAndGet();
    return "198.51." + (100 + n / 250) + "." + (1 + n % 250);
  }

  private static JwtClaimsBuilder claims(String tenant, String agent) {
    Instant now = Instant.now();
    return Jwt.issuer(SignInTestProfile.ISSUER).subject(agent).claim("baton_tenant", tenant)
        .issuedAt(now).expiresAt(now.plus(Duration.ofMinutes(5)));
  }

  private static String signed(JwtClaimsBuilder claims) {
    return sign(claims, SignInTestProfile.issuerKey());
  }

  private static String sign(JwtClaimsBuilder claims, PrivateKey key) {
    return claims.jws().keyId("baton-test").sign(key);
  }

  private static Response audit(String authorization, String address) {
    var request = given().header("X-Forwarded-For", address + ", 10.0.0.1");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.get(AUDIT);
  }

  private static Response auditWithJwt(String jwt) {
    return audit("Bearer " + jwt, freshAddress());
  }

  // ---- JWTs ------------------------------------------------------------------------------

  @Test
  void aSupervisorsJwtReadsTheAuditLog() {
    auditWithJwt(signed(claims("acme", "sam"))).then().statusCode(200).body("entries", notNullValue());
  }

  @Test
  void theRoleComesFromTheTenantsFileOrTheSupervisorGroup() {
    auditWithJwt(signed(claims("acme", "alice"))).then().statusCode(403)
        .contentType("application/problem+json");
    auditWithJwt(signed(claims("acme", "alice").groups(Set.of("baton-supervisor")))).then().statusCode(200);
    auditWithJwt(signed(claims("acme", "alice").groups(Set.of("sales")))).then().statusCode(403);
  }

  @Test
  void anExpiredJwtIs401() {
    Instant past = Instant.now().minus(Duration.ofHours(1));
    String expired = signed(claims("acme", "sam").issuedAt(past).expiresAt(past.plus(Duration.ofMinutes(5))));

    auditWithJwt(expired).then().statusCode(401).contentType("application/problem+json")
        .header("WWW-Authenticate", "Bearer realm=\"baton-agents\"");
  }

  @Test
  void aJwtSignedWithAnotherKeyIs401() {
    String forged = sign(claims("acme", "sam"), SignInTestProfile.strangerKey().getPrivate());

    auditWithJwt(forged).then().statusCode(401).body("status", equalTo(401));
  }

  @Test
  void aJwtOfAnotherIssuerIs401() {
    Instant now = Instant.now();
    String other = signed(Jwt.issuer("https://elsewhere.test").subject("sam").claim("baton_tenant", "acme")
        .issuedAt(now).expiresAt(now.plus(Duration.ofMinutes(5))));

    auditWithJwt(other).then().statusCode(401);
  }

  @Test
  void aJwtWhoseClaimsNameNoAgentOfTheTenantsFileIs401() {
    auditWithJwt(signed(claims("globex", "sam"))).then().statusCode(401);
    auditWithJwt(signed(claims("acme", "mallory").groups(Set.of("baton-supervisor")))).then().statusCode(401);
    Instant now = Instant.now();
    auditWithJwt(signed(Jwt.issuer(SignInTestProfile.ISSUER).subject("sam").issuedAt(now)
        .expiresAt(now.plus(Duration.ofMinutes(5))))).then().statusCode(401);
  }

  @Test
  void aTamperedJwtIs401() {
    String jwt = signed(claims("acme", "alice"));
    String[] parts = jwt.split("\\.");
    String samClaims = signed(claims("acme", "sam")).split("\\.")[1];

    auditWithJwt(parts[0] + "." + samClaims + "." + parts[2]).then().statusCode(401);
  }

  @Test
  void staticTokensStillSignInBesideJwts() {
    audit(SAM, freshAddress()).then().statusCode(200);
    audit("Bearer " + TestTenants.AGENT_TOKEN, freshAddress()).then().statusCode(403);
  }

  // ---- failed sign-ins -------------------------------------------------------------------

  @Test
  void tooManyFailedSignInsFromOneAddressAre429EvenWithARightTokenUntilTheWindowPasses() {
    String attacker = "203.0.113.66";
    for (int i = 0; i < SignInTestProfile.MAX_FAILURES; i++) {
      audit("Bearer guess-" + i, attacker).then().statusCode(401);
    }

    Response refused = audit(SAM, attacker);
    refused.then().statusCode(429).contentType("application/problem+json")
        .body("status", equalTo(429)).body("title", equalTo("Too many failed sign-ins"));
    int retryAfter = Integer.parseInt(refused.header("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= SignInTestProfile.WINDOW_SECONDS, "Retry-After " + retryAfter);
    audit("Bearer " + signed(claims("acme", "sam")), attacker).then().statusCode(429);
    audit(null, attacker).then().statusCode(429);

    audit(SAM, "203.0.113.67").then().statusCode(200);
    await().atMost(Duration.ofSeconds(SignInTestProfile.WINDOW_SECONDS + 10)).pollInterval(Duration.ofMillis(250))
        .until(() -> audit(SAM, attacker).statusCode() == 200);
  }

  @Test
  void requestsWithoutATokenAreNotFailedSignIns() {
    String desktop = "203.0.113.80";
    for (int i = 0; i < SignInTestProfile.MAX_FAILURES * 3; i++) {
      audit(null, desktop).then().statusCode(401);
    }

    audit(SAM, desktop).then().statusCode(200);
  }
}
