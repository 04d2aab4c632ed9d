package dev.baton.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Agents' static bearer tokens as Baton keeps them: only their SHA-256. The variable an agent's
 * {@code tokenEnv} names holds either {@code sha256:<64 hex digits>} (the plain token then exists
 * nowhere on the server) or the plain token, which is hashed as it is read and not kept.
 *
 * <p>A plain token must be at least {@value #MIN_LENGTH} characters: a shorter one is refused (the
 * agent cannot sign in with it), never padded or accepted with a warning only.
 */
public final class AgentTokens {
  /** Shortest plain token accepted (e.g. {@code openssl rand -hex 24} gives 48). */
  public static final int MIN_LENGTH = 32;
  public static final String SHA256_PREFIX = "sha256:";
  private static final Pattern HASHED = Pattern.compile("(?i)sha256:[0-9a-f]{64}");

  private AgentTokens() {}

  /**
   * What a {@code tokenEnv} variable's value gives.
   *
   * @param hash {@code sha256:<64 lower-case hex>}, or null when the agent cannot sign in with a token
   * @param problem why there is no hash, naming the variable but never its value; null when there is one
   */
  public record Read(String hash, String problem) {}

  /** Reads the value of the variable {@code variable}; null means it is unset. */
  public static Read read(String variable, String value) {
    if (value == null || value.isBlank()) {
      return new Read(null, variable + " is not set");
    }
    String v = value.strip();
    if (v.regionMatches(true, 0, SHA256_PREFIX, 0, SHA256_PREFIX.length())) {
      return HASHED.matcher(v).matches()
          ? new Read(v.toLowerCase(Locale.ROOT), null)
          : new Read(null, variable + " starts with " + SHA256_PREFIX + " but is not " + SHA256_PREFIX
              + "<64 hex digits> (make one with: printf %s \"$TOKEN\" | sha256sum)");
    }
    if (v.length() < MIN_LENGTH) {
      return new Read(null, variable + " is shorter than " + MIN_LENGTH + " characters");
    }
    return new Read(hash(v), null);
  }

  /**
   * The stored form of a value given in code ({@link Agent}'s constructors): a hash as it is, a
   * plain token hashed; null for a token that {@link #read} refuses.
   */
  public static String normalize(String value) {
    return value == null ? null : read("token", value).hash();
  }

  /** {@code sha256:<64 lower-case hex>} of a plain token, as {@code printf %s "$TOKEN" | sha256sum} prints it. */
  public static String hash(String token) {
    return SHA256_PREFIX + HexFormat.of().formatHex(sha256(token));
  }

  /** The 32 bytes of a token's SHA-256 (UTF-8), what the gateway compares. */
  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The 32 bytes of a stored hash ({@code sha256:<hex>}). */
  public static byte[] bytes(String hash) {
    if (hash == null || !HASHED.matcher(hash).matches()) {
      throw new IllegalArgumentException("not " + SHA256_PREFIX + "<64 hex digits>");
    }
    return HexFormat.of().parseHex(hash, SHA256_PREFIX.length(), hash.length());
  }
}
