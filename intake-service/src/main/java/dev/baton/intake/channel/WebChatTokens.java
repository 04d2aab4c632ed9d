package dev.baton.intake.channel;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;

/**
 * A web chat visitor's session token: a JWT signed by Baton with the tenant's web chat secret
 * (HS256), naming the tenant ({@code tenant}), the conversation ({@code conv}, {@code
 * webchat:<random>}), the visitor ({@code sub}) and its expiry. It is the visitor's only
 * credential: whoever holds it writes in and reads that one conversation until it expires, so it
 * is unguessable, bound to one tenant (checked against the path's tenant and its secret) and never
 * logged. Only HS256 is accepted (no {@code none}, no algorithm switching); the clock is the
 * caller's, so tests can pass expiry.
 */
public final class WebChatTokens {
  static final String ISSUER = "baton";
  static final String AUDIENCE = "baton-webchat";
  public static final String CONVERSATION_PREFIX = dev.baton.tenant.WebChat.CONVERSATION_PREFIX;
  private static final Pattern RANDOM_PART = Pattern.compile("[A-Za-z0-9_\\-]{16,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a valid token says. */
  public record Session(String tenantId, String conversationId, String customerId, Instant expiresAt) {}

  private WebChatTokens() {}

  /** A new visitor's session: a fresh conversation and visitor id, valid until {@code expiresAt}. */
  public static Session newSession(String tenantId, Instant expiresAt) {
    return new Session(tenantId, CONVERSATION_PREFIX + random(), "visitor-" + random(), expiresAt);
  }

  public static String issue(String secret, Session s, Instant now) {
    return Jwt.issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(s.customerId())
        .claim("tenant", s.tenantId())
        .claim("conv", s.conversationId())
        .issuedAt(now.getEpochSecond())
        .expiresAt(s.expiresAt().getEpochSecond())
        .jws()
        .algorithm(SignatureAlgorithm.HS256)
        .sign(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
  }

  /**
   * The session, when {@code token} is signed with {@code secret}, unexpired at {@code now}, for
   * {@code tenantId} and well formed; empty for anything else (one answer for every failure).
   */
  public static Optional<Session> verify(String secret, String tenantId, String token, Instant now) {
    if (secret == null || token == null || token.isEmpty() || token.length() > 2048) {
      return Optional.empty();
    }
    JwtConsumer consumer = new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setRequireSubject()
        .setEvaluationTime(NumericDate.fromMilliseconds(now.toEpochMilli()))
        .setAllowedClockSkewInSeconds(0)
        .setExpectedIssuer(ISSUER)
        .setExpectedAudience(AUDIENCE)
        .setVerificationKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)))
        .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
        .build();
    try {
      JwtClaims claims = consumer.processToClaims(token);
      String tenant = claims.getStringClaimValue("tenant");
      String conversation = claims.getStringClaimValue("conv");
      String customer = claims.getSubject();
      if (!tenantId.equals(tenant) || conversation == null || !conversation.startsWith(CONVERSATION_PREFIX)
          || !RANDOM_PART.matcher(conversation.substring(CONVERSATION_PREFIX.length())).matches()
          || !customer.startsWith("visitor-") || !RANDOM_PART.matcher(customer.substring(8)).matches()) {
        return Optional.empty();
      }
      return Optional.of(new Session(tenant, conversation, customer,
          Instant.ofEpochSecond(claims.getExpirationTime().getValue())));
    } catch (InvalidJwtException | MalformedClaimException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** 128 random bits, URL-safe. */
  private static String random() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
