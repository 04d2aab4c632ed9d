package dev.baton.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.tenant.WebhookSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  @Test
  void matchesAnHmacComputedIndependently() {
    // echo -n '1800000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
    assertEquals(
        "v1=476d445fc5d734bcaf69961f0de38cb8c2ec42450829655895ca5e064c0765c9",
        WebhookSignature.sign("s3cret", 1_800_000_000L, BODY));
    String sig = WebhookSignature.sign("s3cret", 1_800_000_000L, BODY);
    assertEquals(Verdict.VALID, verify("s3cret", "1800000000", sig, BODY));
  }

  @Test
  void refusesTamperedBodyWrongSecretStaleOrMissing() {
    String sig = WebhookSignature.sign("s3cret", 1_800_000_000L, BODY);
    assertEquals(Verdict.MISMATCH, verify("s3cret", "1800000000", sig, "{\"a\":2}".getBytes()));
    assertEquals(Verdict.MISMATCH, verify("other", "1800000000", sig, BODY));
    assertEquals(Verdict.MISMATCH, verify("s3cret", "1800000001", sig, BODY));
    String old = WebhookSignature.sign("s3cret", 1_800_000_000L - 301, BODY);
    assertEquals(Verdict.STALE_TIMESTAMP, verify("s3cret", "1799999699", old, BODY));
    assertEquals(Verdict.MALFORMED_TIMESTAMP, verify("s3cret", "yesterday", sig, BODY));
    assertEquals(Verdict.MISSING, verify("s3cret", null, sig, BODY));
    assertEquals(Verdict.MISSING, verify(null, "1800000000", sig, BODY));
  }

  private static Verdict verify(String secret, String ts, String sig, byte[] body) {
    return WebhookSignature.verify(secret, ts, sig, body, NOW, TOLERANCE);
  }
}
