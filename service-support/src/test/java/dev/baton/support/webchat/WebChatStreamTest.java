package dev.baton.support.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.serde.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.StreamEntryID;

/** The widget stream's entry shape and which entries a replay leaves out. */
class WebChatStreamTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private static WebChatStream.Entry at(String type, Instant written) {
    return new WebChatStream.Entry(new StreamEntryID(written.toEpochMilli(), 0), type, "{}");
  }

  @Test
  void onlyTypingNoticesOlderThanTheirFreshnessAreStale() {
    Instant old = NOW.minus(WebChatStream.TYPING_FRESH).minusMillis(1);
    assertTrue(WebChatStream.stale(at(WebChatStream.TYPING, old), NOW));
    assertFalse(WebChatStream.stale(at(WebChatStream.TYPING, NOW.minusSeconds(2)), NOW), "the agent is typing now");
    assertFalse(WebChatStream.stale(at(WebChatStream.MESSAGE, old.minusSeconds(86_400)), NOW), "messages are replayed");
    assertFalse(WebChatStream.stale(at(WebChatStream.JOINED, old), NOW));
  }

  @Test
  void messageDataCarriesWhatTheWidgetShowsAndLeavesOutWhatIsUnknown() throws Exception {
    JsonNode bot = Json.MAPPER.readTree(WebChatStream.messageData("m1", "bot", null, "<b>hi</b>", NOW, null));
    assertEquals("<b>hi</b>", bot.get("text").asText(), "text as written: the widget sets it as text");
    assertEquals("bot", bot.get("from").asText());
    assertFalse(bot.has("agent") || bot.has("clientId"));
    JsonNode customer = Json.MAPPER.readTree(WebChatStream.messageData("e1", "customer", null, "yo", NOW, "c-1"));
    assertEquals("c-1", customer.get("clientId").asText());
    assertEquals("Dan", Json.MAPPER.readTree(WebChatStream.typingData("Dan", NOW)).get("agent").asText());
  }
}
