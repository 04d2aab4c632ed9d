package dev.baton.gateway;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

/**
 * The gateway as in production with an identity provider: Quarkus OIDC verifies bearer JWTs
 * against the public half of an RSA key made here (standing for the issuer's keys), static tokens
 * still on; failed sign-ins counted by {@code X-Forwarded-For} (each test speaks from addresses of
 * its own) with a small limit and a short window, so that a test sees the window pass.
 */
public class SignInTestProfile implements QuarkusTestProfile {
  public static final String ISSUER = "https://idp.baton.test/realms/baton";
  public static final int MAX_FAILURES = 3;
  public static final int WINDOW_SECONDS = 3;

  /**
   * The issuer's key, made once per test JVM. Kept in system properties, not in a static field:
   * Quarkus loads the profile and the test class in different class loaders, and both must see
   * the same key.
   */
  private static final String PRIVATE_KEY = "baton.test.issuer.private-key";
  private static final String PUBLIC_KEY = "baton.test.issuer.public-key";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "gateway.auth.oidc.enabled", "true",
        "quarkus.oidc.public-key", publicKey(),
        "quarkus.oidc.token.issuer", ISSUER,
        "gateway.auth.trust-forwarded-for", "true",
        "gateway.auth.rate-limit.max-failures", String.valueOf(MAX_FAILURES),
        "gateway.auth.rate-limit.window", WINDOW_SECONDS + "s");
  }

  /** The issuer's signing key. */
  public static PrivateKey issuerKey() {
    try {
      byte[] der = Base64.getDecoder().decode(keys()[0]);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Base64 of the X.509 encoding, as {@code quarkus.oidc.public-key} takes it. */
  static String publicKey() {
    return keys()[1];
  }

  /** A key of nobody the gateway trusts. */
  public static KeyPair strangerKey() {
    return generate();
  }

  private static synchronized String[] keys() {
    if (System.getProperty(PRIVATE_KEY) == null) {
      KeyPair pair = generate();
      System.setProperty(PRIVATE_KEY, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
      System.setProperty(PUBLIC_KEY, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
    }
    return new String[] {System.getProperty(PRIVATE_KEY), System.getProperty(PUBLIC_KEY)};
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
