package dev.baton.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationKeyTest {

  @Test
  void twoTenantsWithTheSameConversationIdHaveTwoKeys() {
    assertNotEquals(ConversationKey.of("acme", "shared-1"), ConversationKey.of("globex", "shared-1"));
    assertEquals("acme/shared-1", ConversationKey.of("acme", "shared-1"));
  }

  @Test
  void aKeySplitsBackIntoItsTenantAndConversation() {
    ConversationKey key = ConversationKey.parse("acme/conv:1@x").orElseThrow();
    assertEquals("acme", key.tenantId());
    assertEquals("conv:1@x", key.conversationId());
  }

  @Test
  void aKeyWithoutTenantDoesNotParse() {
    assertTrue(ConversationKey.parse("shared-1").isEmpty());
    assertTrue(ConversationKey.parse("/shared-1").isEmpty());
    assertTrue(ConversationKey.parse("acme/").isEmpty());
    assertTrue(ConversationKey.parse(null).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> ConversationKey.of("a/b", "c"));
  }

  @Test
  void everyConversationRecordIsKeyedByTenantAndConversation() {
    ConversationEvent event = new ConversationEvent(1, "e-1", EventType.CUSTOMER_MESSAGE, "acme", "shared-1",
        Channel.SMS, Instant.EPOCH, null, "hi", null, Map.of());
    assertEquals("acme/shared-1", event.conversationKey());
    assertEquals("acme/shared-1", EnrichedEvent.of(event).conversationKey());
    assertEquals("acme/shared-1", ConversationState.start(event).conversationKey());
    assertEquals("acme/shared-1:2", HandoffRecord.idFor("acme", "shared-1", 2));
  }
}
