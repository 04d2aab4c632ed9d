package dev.baton.support.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.logging.LogContext;
import io.quarkus.logging.json.runtime.JsonFormatter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stage's log lines, formatted by the JSON formatter of the cluster profile, carry the record's
 * tenant and conversation as MDC fields, never the customer's text; the MDC is empty afterwards.
 */
class StageLogContextTest {
  private static final String TEXT = "my card 4111 is blocked, call me on 0170 555";
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger(StageRecords.class.getName());
  private final ExtHandler capture = new ExtHandler() {
    @Override
    protected void doPublish(ExtLogRecord record) {
      lines.add(getFormatter().format(record));
    }
  };

  @BeforeEach
  void capture() {
    capture.setFormatter(new JsonFormatter());
    logger.addHandler(capture);
  }

  @AfterEach
  void release() {
    logger.removeHandler(capture);
  }

  private static Message<byte[]> record(ConversationEvent event) {
    byte[] value = Topics.CONVERSATION_EVENTS.valueSerde().serializer().serialize("conversation-events", event);
    return Message.of(value, Metadata.of(new IncomingKafkaRecordMetadata<>(
            new ConsumerRecord<>("conversation-events", 2, 7, event.conversationKey(), value), "conversation-events")),
        () -> CompletableFuture.completedFuture(null), e -> CompletableFuture.completedFuture(null));
  }

  @Test
  void aFailingStagesLineNamesTheConversationButNotTheText() throws Exception {
    ConversationEvent event = new ConversationEvent(SchemaVersions.CURRENT, "ev-1", EventType.CUSTOMER_MESSAGE, "acme",
        "conv-42", Channel.WEBCHAT, Instant.parse("2026-12-03T10:00:00Z"), null, TEXT, null, Map.of());

    StageRecords.guarded(record(event), in -> {
      StageRecords.parse(in, Topics.CONVERSATION_EVENTS);
      throw new IllegalStateException("scorer not loaded");
    });

    JsonNode line = null;
    for (String l : lines) {
      JsonNode json = Json.MAPPER.readTree(l);
      if (json.path("message").asText().startsWith("stage failed")) {
        line = json;
      }
      assertFalse(l.contains("4111") || l.contains("blocked"), "the customer's text in a log line: " + l);
    }
    assertNotNull(line, "the stage's failure is logged: " + lines);
    assertEquals("ERROR", line.path("level").asText());
    assertEquals("acme", line.path("mdc").path(LogContext.TENANT).asText());
    assertEquals("conv-42", line.path("mdc").path(LogContext.CONVERSATION).asText());
    // The consumer thread takes another tenant's record next.
    assertNull(MDC.get(LogContext.TENANT));
    assertNull(MDC.get(LogContext.CONVERSATION));
  }
}
