package dev.baton.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.serde.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardCompatibleReaderTest {
  private static final String HANDOFF = """
      {"schemaVersion":1,"handoffId":"acme/conv-1:1","episode":1,"tenantId":"acme","conversationId":"conv-1",
       "channel":"CARRIER_PIGEON","reason":"SOMETHING_NEW","priority":3,"skill":"reception","transcript":[],
       "collectedData":[],"summary":"s","followUp":false,"createdAt":"2026-11-23T09:15:00Z","omittedTurns":0,
       "fromTheFuture":{"x":1}}
      """;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aHandoffWithEnumValuesFromANewerProducerIsReadAndRelayedAsWritten() throws Exception {
    ForwardCompatibleReader.Read<HandoffRecord> read = ForwardCompatibleReader.read(bytes(HANDOFF), HandoffRecord.class);

    assertEquals("acme/conv-1:1", read.value().handoffId());
    assertEquals("acme", read.value().tenantId());
    assertEquals(List.of("channel", "reason"), read.unknownEnums());
    JsonNode relayed = Json.MAPPER.readTree(read.json());
    assertEquals("SOMETHING_NEW", relayed.get("reason").asText());
    assertEquals("CARRIER_PIGEON", relayed.get("channel").asText());
    assertEquals(1, relayed.get("fromTheFuture").get("x").asInt());
  }

  @Test
  void aTurnWithANewSpeakerIsKept() throws Exception {
    String turn = """
        {"schemaVersion":1,"tenantId":"acme","conversationId":"c","episode":1,"seq":3,
         "turn":{"eventId":"e","speaker":"ROBOT_DOG","text":"woof","at":"2026-11-23T09:15:00Z"}}""";

    ForwardCompatibleReader.Read<ConversationTurn> read = ForwardCompatibleReader.read(bytes(turn), ConversationTurn.class);

    assertEquals(3, read.value().seq());
    assertTrue(read.json().contains("\"ROBOT_DOG\""), read.json());
  }

  @Test
  void wrongTypesMissingFieldsAndNonJsonAreUnreadableWithTheReason() {
    var e = assertThrows(ForwardCompatibleReader.Unreadable.class,
        () -> ForwardCompatibleReader.read(bytes(HANDOFF.replace("\"priority\":3", "\"priority\":\"high\"")), HandoffRecord.class));
    assertTrue(e.getMessage().contains("HandoffRecord"), e.getMessage());
    assertThrows(ForwardCompatibleReader.Unreadable.class,
        () -> ForwardCompatibleReader.read(bytes(HANDOFF.replace("\"tenantId\":\"acme\",", "")), HandoffRecord.class));
    assertThrows(ForwardCompatibleReader.Unreadable.class, () -> ForwardCompatibleReader.read(bytes("{not json"), HandoffRecord.class));
    assertThrows(ForwardCompatibleReader.Unreadable.class, () -> ForwardCompatibleReader.read(bytes("[1]"), HandoffRecord.class));
    assertThrows(ForwardCompatibleReader.Unreadable.class, () -> ForwardCompatibleReader.read(new byte[0], HandoffRecord.class));
    assertThrows(ForwardCompatibleReader.Unreadable.class, () -> ForwardCompatibleReader.read(null, HandoffRecord.class));
  }
}
