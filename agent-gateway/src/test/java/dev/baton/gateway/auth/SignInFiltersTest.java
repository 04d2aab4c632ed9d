package dev.baton.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignInFiltersTest {
  private static final SocketAddress PROXY = SocketAddress.inetSocketAddress(41000, "10.1.2.3");

  @Test
  void failuresAreCountedByTheConnectionsAddressUnlessForwardedForIsTrusted() {
    assertEquals("10.1.2.3", SignInFilters.clientAddress(PROXY, "203.0.113.9", false), "a client can write any header");
    assertEquals("203.0.113.9", SignInFilters.clientAddress(PROXY, "203.0.113.9", true));
  }

  @Test
  void theFirstForwardedForHopIsTheClient() {
    assertEquals("203.0.113.9", SignInFilters.clientAddress(PROXY, " 203.0.113.9 , 10.0.0.7, 10.0.0.8", true));
    assertEquals("2001:db8::1", SignInFilters.clientAddress(PROXY, "2001:db8::1, 10.0.0.7", true));
    assertEquals("10.1.2.3", SignInFilters.clientAddress(PROXY, " , 10.0.0.7", true), "an empty first hop");
    assertEquals("10.1.2.3", SignInFilters.clientAddress(PROXY, null, true), "no header");
    assertEquals(100, SignInFilters.clientAddress(PROXY, "x".repeat(5000), true).length(), "bounded");
    assertEquals("unknown", SignInFilters.clientAddress(null, null, false));
  }

  @Test
  void aRefusedAddressGets429WithAProblemAndRetryAfterInWholeSeconds() {
    Response r = SignInFilters.tooManyFailures(Duration.ofMillis(41_200));

    assertEquals(429, r.getStatus());
    assertEquals("42", r.getHeaderString("Retry-After"));
    assertEquals("application/problem+json", r.getMediaType().toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) r.getEntity();
    assertEquals(429, body.get("status"));
    assertEquals("Too many failed sign-ins", body.get("title"));
    assertEquals("1", SignInFilters.tooManyFailures(Duration.ofMillis(3)).getHeaderString("Retry-After"), "at least 1");
  }
}
