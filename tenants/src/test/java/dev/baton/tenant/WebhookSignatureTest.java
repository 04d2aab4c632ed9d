package dev.baton.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.tenant.WebhookSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  private static final Duration TOLERANCE = Duration.ofMinutes(5);
  private static final String TS = "1800000000";

  @Test
  void matchesAnHmacComputedIndependently() {
    // echo -n '1800000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
    assertEquals(
        "v1=476d445fc5d734bcaf69961f0de38cb8c2ec42450829655895ca5e064c0765c9",
        WebhookSignature.sign("s3cret", 1_800_000_000L, BODY));
    String sig = WebhookSignature.sign("s3cret", 1_800_000_000L, BODY);
    assertEquals(Verdict.VALID, verify("s3cret", TS, sig, BODY));
    assertEquals(Verdict.VALID, verify("s3cret", TS, sig.toUpperCase().replace("V1=", "v1="), BODY));
  }

  @Test
  void refusesTamperedBodyWrongSecretStaleOrMissing() {
    String sig = WebhookSignature.sign("s3cret", 1_800_000_000L, BODY);
    assertEquals(Verdict.MISMATCH, verify("s3cret", TS, sig, "{\"a\":2}".getBytes()));
    assertEquals(Verdict.MISMATCH, verify("other", TS, sig, BODY));
    assertEquals(Verdict.MISMATCH, verify("s3cret", "1800000001", sig, BODY));
    String old = WebhookSignature.sign("s3cret", 1_800_000_000L - 301, BODY);
    assertEquals(Verdict.STALE_TIMESTAMP, verify("s3cret", "1799999699", old, BODY));
    assertEquals(Verdict.MALFORMED_TIMESTAMP, verify("s3cret", "yesterday", sig, BODY));
    assertEquals(Verdict.MISSING, verify("s3cret", null, sig, BODY));
    assertEquals(Verdict.MISSING, verify("s3cret", TS, null, BODY));
    assertEquals(Verdict.UNKNOWN_TENANT, verify(null, TS, sig, BODY));
  }

  @Test
  void theTimestampIsDigitsOnlyAndSignedExactlyAsSent() {
    for (String ts : List.of("+1800000000", "01800000000", " 1800000000 ", "1800000000 ", "1_800_000_000",
        "1800000000.0", "-1", "0", "", "١٨٠٠٠٠٠٠٠٠")) {
      // Even when the signature covers the odd text exactly, the text itself is refused.
      String sig = WebhookSignature.sign("s3cret", ts, BODY);
      assertEquals(Verdict.MALFORMED_TIMESTAMP, verify("s3cret", ts, sig, BODY), "'" + ts + "'");
    }
  }

  @Test
  void hugeTimestampsAreRefusedWithoutOverflow() {
    for (String ts : List.of("9223372036854775807", "9223372036854775808", "99999999999999999999999",
        "1" + "0".repeat(5000))) {
      String sig = WebhookSignature.sign("s3cret", ts, BODY);
      assertEquals(Verdict.MALFORMED_TIMESTAMP, verify("s3cret", ts, sig, BODY));
    }
    // 12 digits parse, and are simply far off.
    String far = "999999999999";
    assertEquals(Verdict.STALE_TIMESTAMP, verify("s3cret", far, WebhookSignature.sign("s3cret", far, BODY), BODY));
    // A huge tolerance does not overflow either.
    assertEquals(Verdict.VALID, WebhookSignature.verify(List.of("s3cret"), far,
        WebhookSignature.sign("s3cret", far, BODY), BODY, NOW, Duration.ofSeconds(Long.MAX_VALUE)));
  }

  @Test
  void eitherSecretVerifiesWhileRotating() {
    List<String> rotating = List.of("new-secret", "old-secret");
    String withOld = WebhookSignature.sign("old-secret", TS, BODY);
    String withNew = WebhookSignature.sign("new-secret", TS, BODY);
    String withOther = WebhookSignature.sign("other", TS, BODY);
    assertEquals(Verdict.VALID, verifyAll(rotating, withOld));
    assertEquals(Verdict.VALID, verifyAll(rotating, withNew));
    assertEquals(Verdict.MISMATCH, verifyAll(rotating, withOther));
    assertEquals(Verdict.MISMATCH, verifyAll(List.of("new-secret"), withOld));
  }

  @Test
  void aHeaderMayCarrySeveralValuesSeparatedByCommasOrSpaces() {
    String good = WebhookSignature.sign("s3cret", TS, BODY);
    String bad = WebhookSignature.sign("other", TS, BODY);
    assertEquals(Verdict.VALID, verify("s3cret", TS, bad + "," + good, BODY));
    assertEquals(Verdict.VALID, verify("s3cret", TS, bad + ", " + good, BODY));
    assertEquals(Verdict.VALID, verify("s3cret", TS, bad + " " + good, BODY));
    // Other schemes are ignored, so senders can add a v2 value beside v1.
    assertEquals(Verdict.VALID, verify("s3cret", TS, "v2=abc," + good, BODY));
    assertEquals(Verdict.MISMATCH, verify("s3cret", TS, bad + "," + bad, BODY));
    // Too many values, a value that is not 64 hex digits, or no v1 value at all: malformed.
    String five = String.join(",", bad, bad, bad, bad, good);
    assertEquals(Verdict.MALFORMED_SIGNATURE, verify("s3cret", TS, five, BODY));
    assertEquals(Verdict.MALFORMED_SIGNATURE, verify("s3cret", TS, good + ",v1=zz", BODY));
    assertEquals(Verdict.MALFORMED_SIGNATURE, verify("s3cret", TS, good.substring(0, 60), BODY));
    assertEquals(Verdict.MALFORMED_SIGNATURE, verify("s3cret", TS, "sha256=" + good.substring(3), BODY));
    assertEquals(Verdict.MALFORMED_SIGNATURE, verify("s3cret", TS, good + "x".repeat(100_000), BODY));
  }

  private static Verdict verify(String secret, String ts, String sig, byte[] body) {
    return WebhookSignature.verify(secret, ts, sig, body, NOW, TOLERANCE);
  }

  private static Verdict verifyAll(List<String> secrets, String sig) {
    return WebhookSignature.verify(secrets, TS, sig, BODY, NOW, TOLERANCE);
  }
}
