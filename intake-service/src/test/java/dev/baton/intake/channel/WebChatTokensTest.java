package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.channel.WebChatTokens.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebChatTokensTest {
  private static final String SECRET = "web-chat-secret-of-tenant-acme-0123456789";
  private static final String OTHER_SECRET = "web-chat-secret-of-tenant-globex-987654321";
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private final Session session = WebChatTokens.newSession("acme", NOW.plus(Duration.ofHours(1)));
  private final String token = WebChatTokens.issue(SECRET, session, NOW);

  @Test
  void aSignedTokenNamesItsTenantConversationVisitorAndExpiry() {
    Session read = WebChatTokens.verify(SECRET, "acme", token, NOW.plusSeconds(60)).orElseThrow();
    assertEquals(session, read);
    assertTrue(read.conversationId().startsWith("webchat:"));
    Session another = WebChatTokens.newSession("acme", NOW.plus(Duration.ofHours(1)));
    assertNotEquals(session.conversationId(), another.conversationId(), "each visitor a conversation of their own");
    assertNotEquals(session.customerId(), another.customerId());
  }

  @Test
  void aTamperedTokenIsRefused() {
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String forged = payload.replace(session.conversationId(), "webchat:AAAAAAAAAAAAAAAAAAAAAA");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertTrue(WebChatTokens.verify(SECRET, "acme", tampered, NOW).isEmpty(), "payload changed, signature kept");

    String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
    assertTrue(WebChatTokens.verify(SECRET, "acme", unsigned, NOW).isEmpty(), "alg none");
    assertTrue(WebChatTokens.verify(SECRET, "acme", token.substring(0, token.length() - 2), NOW).isEmpty());
    assertTrue(WebChatTokens.verify(SECRET, "acme", "not a token", NOW).isEmpty());
  }

  @Test
  void anExpiredTokenIsRefused() {
    assertTrue(WebChatTokens.verify(SECRET, "acme", token, NOW.plus(Duration.ofHours(1)).plusSeconds(1)).isEmpty());
  }

  @Test
  void aTokenOfAnotherTenantIsRefusedWithEitherSecret() {
    Session theirs = WebChatTokens.newSession("globex", NOW.plus(Duration.ofHours(1)));
    String theirToken = WebChatTokens.issue(OTHER_SECRET, theirs, NOW);
    assertTrue(WebChatTokens.verify(SECRET, "acme", theirToken, NOW).isEmpty(), "signed with another secret");
    // Even signed with acme's own secret, a token naming globex is not acme's.
    String mislabelled = WebChatTokens.issue(SECRET, theirs, NOW);
    assertTrue(WebChatTokens.verify(SECRET, "acme", mislabelled, NOW).isEmpty());
    assertTrue(WebChatTokens.verify(OTHER_SECRET, "globex", token, NOW).isEmpty());
  }
}
