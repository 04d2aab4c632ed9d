package dev.baton.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.serde.JsonSerde;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The golden samples are the published wire format of schema version 1. A change that renames,
 * removes or retypes a field makes the round trip differ and fails here: such a change needs a
 * new schema version, not an edit of the samples.
 */
class GoldenSamplesTest {

  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of("conversation-event.customer-message.json", ConversationEvent.class),
        Arguments.of("conversation-event.agent-message.json", ConversationEvent.class),
        Arguments.of("conversation-event.call-started.json", ConversationEvent.class),
        Arguments.of("conversation-event.call-ended.json", ConversationEvent.class),
        Arguments.of("conversation-event.call-missed.json", ConversationEvent.class),
        Arguments.of("conversation-event.caller-silent.json", ConversationEvent.class),
        Arguments.of("conversation-event.speech-segment.json", ConversationEvent.class),
        Arguments.of("enriched-event.json", EnrichedEvent.class),
        Arguments.of("enriched-event.complaint.json", EnrichedEvent.class),
        Arguments.of("enriched-event.language.json", EnrichedEvent.class),
        Arguments.of("conversation-state.json", ConversationState.class),
        Arguments.of("conversation-state.waiting.json", ConversationState.class),
        Arguments.of("conversation-state.voice.json", ConversationState.class),
        Arguments.of("handoff-record.json", HandoffRecord.class),
        Arguments.of("handoff-record.language.json", HandoffRecord.class),
        Arguments.of("outbound-message.json", OutboundMessage.class),
        Arguments.of("outbound-message.choices.json", OutboundMessage.class),
        Arguments.of("agent-action.json", AgentAction.class),
        Arguments.of("dead-letter.json", DeadLetter.class),
        Arguments.of("intent-feedback.json", IntentFeedback.class),
        Arguments.of("conversation-turn.json", ConversationTurn.class),
        Arguments.of("conversation-turn.customer.json", ConversationTurn.class),
        Arguments.of("agent-action-result.json", AgentActionResult.class),
        Arguments.of("delivery-status.json", DeliveryStatus.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void goldenSampleRoundTripsUnchanged(String file, Class<?> type) throws IOException {
    String golden = read(file);
    JsonSerde<?> serde = new JsonSerde<>(type);

    Object parsed = serde.deserialize("t", golden.getBytes(StandardCharsets.UTF_8));
    JsonNode written = Json.MAPPER.readTree(serde.serialize("t", cast(parsed)));

    assertEquals(Json.MAPPER.readTree(golden), written, "wire format of " + file + " changed");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void readersIgnoreFieldsAddedLater(String file, Class<?> type) throws IOException {
    ObjectNode withExtra = (ObjectNode) Json.MAPPER.readTree(read(file));
    withExtra.put("fieldFromTheFuture", "x");

    Object parsed = Json.MAPPER.treeToValue(withExtra, type);

    assertNotNull(parsed);
  }

  @Test
  void everyConversationEventTypeHasAGoldenSample() {
    for (EventType type : EventType.values()) {
      String file = "conversation-event." + type.name().toLowerCase().replace('_', '-') + ".json";
      try {
        ConversationEvent event = Json.read(read(file), ConversationEvent.class);
        assertEquals(type, event.type(), file);
        assertEquals(SchemaVersions.V1, event.schemaVersion(), file);
      } catch (IOException e) {
        throw new AssertionError("missing golden sample " + file, e);
      }
    }
  }

  @Test
  void missingRequiredFieldIsASerializationErrorNamingTheField() {
    String noConversation =
        "{\"schemaVersion\":1,\"eventId\":\"e1\",\"type\":\"CUSTOMER_MESSAGE\",\"tenantId\":\"t\","
            + "\"channel\":\"SMS\",\"occurredAt\":\"2026-11-23T09:15:00Z\"}";
    JsonSerde<ConversationEvent> serde = new JsonSerde<>(ConversationEvent.class);

    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> serde.deserialize("conversation-events", noConversation.getBytes()));

    assertTrue(e.getMessage().contains("conversationId"), e.getMessage());
  }

  @Test
  void aStateWrittenBeforeSkillsAndWaitingNoticesReadsWithoutThem() throws IOException {
    ConversationState old = Json.read(read("conversation-state.json"), ConversationState.class);

    assertEquals(Owner.QUEUED, old.owner());
    assertNull(old.skill());
    assertNull(old.queueStatus());
    assertNull(old.queueNoticeAt());
    assertNull(old.callbackOfferedAt());
    assertNull(old.openHandoff());
    assertNull(old.resolutionCode());
  }

  @Test
  void aWaitingStateKeepsItsQueueAndTheOpenHandoff() throws IOException {
    ConversationState waiting = Json.read(read("conversation-state.waiting.json"), ConversationState.class);

    assertEquals("billing", waiting.skill());
    assertEquals(new AgentAction.QueueStatus(2, null, 0), waiting.queueStatus());
    assertEquals(HandoffReason.EXPLICIT_REQUEST, waiting.openHandoff().reason());
    assertEquals(waiting, waiting.toBuilder().build(), "the builder copies every field");
  }

  @Test
  void aCallWhoseProviderReportsSilenceKeepsWhoReportsIt() throws IOException {
    ConversationState call = Json.read(read("conversation-state.voice.json"), ConversationState.class);

    assertEquals("twilio", call.silenceReportedBy());
    assertTrue(call.callActive());
    assertEquals(Instant.parse("2026-11-23T10:00:28Z"), call.silenceDeadline());
    assertEquals(call, call.toBuilder().build(), "the builder copies every field");
  }

  @Test
  void statesWrittenBeforeSilenceReportsReadWithoutAReporter() throws IOException {
    assertNull(Json.read(read("conversation-state.json"), ConversationState.class).silenceReportedBy());
    assertNull(Json.read(read("conversation-state.waiting.json"), ConversationState.class).silenceReportedBy());
  }

  @Test
  void aSentimentWrittenBeforeTheComplaintSignalReadsWithoutIt() throws IOException {
    EnrichedEvent old = Json.read(read("enriched-event.json"), EnrichedEvent.class);
    EnrichedEvent now = Json.read(read("enriched-event.complaint.json"), EnrichedEvent.class);

    assertNull(old.sentiment().complaint());
    assertEquals(0.0, old.sentiment().complaintScore());
    assertEquals(new Complaint(0.91, true), now.sentiment().complaint());
    assertEquals(0.91, now.sentiment().complaintScore());
  }

  @Test
  void eventsStatesAndHandoffsWrittenBeforeLanguagesReadWithoutOne() throws IOException {
    assertNull(Json.read(read("enriched-event.json"), EnrichedEvent.class).language());
    assertNull(Json.read(read("conversation-state.json"), ConversationState.class).language());
    assertNull(Json.read(read("handoff-record.json"), HandoffRecord.class).language());
  }

  @Test
  void theDetectedLanguageTravelsWithTheEventAndTheHandoff() throws IOException {
    EnrichedEvent german = Json.read(read("enriched-event.language.json"), EnrichedEvent.class);
    HandoffRecord french = Json.read(read("handoff-record.language.json"), HandoffRecord.class);

    assertEquals("de", german.language().code());
    assertTrue(german.language().known());
    assertEquals(german.language(), german.withSentiment(german.sentiment()).withRouting(german.intent(),
        german.slots(), german.proposedReply()).language(), "enrichment keeps the language");
    assertEquals("fr", french.language());
    assertEquals(HandoffReason.UNSUPPORTED_LANGUAGE, french.reason());
    assertEquals("en", Json.read(read("conversation-state.waiting.json"), ConversationState.class).language());
  }

  @Test
  void anUnknownLanguageIsNotKnown() {
    assertTrue(!new DetectedLanguage(DetectedLanguage.UNKNOWN, 0.01, "m").known());
    assertTrue(!Json.write(new DetectedLanguage("de", 0.03, "m")).contains("known"), "known() is not on the wire");
  }

  @Test
  void tombstoneStaysNull() {
    JsonSerde<ConversationState> serde = new JsonSerde<>(ConversationState.class);
    assertEquals(null, serde.deserialize("conversation-state", null));
    assertEquals(null, serde.serialize("conversation-state", null));
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  private static String read(String file) throws IOException {
    try (InputStream in = GoldenSamplesTest.class.getResourceAsStream("/golden/v1/" + file)) {
      if (in == null) {
        throw new IOException("no such sample " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
