package dev.baton.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.topic.Topics;
import dev.baton.tenant.WebhookSignature;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class EventResourceTest {

  static RequestSpecification signed(String body, String secret) {
    long ts = Instant.now().getEpochSecond();
    return given()
        .contentType("application/json")
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
        .header(WebhookSignature.SIGNATURE_HEADER,
            WebhookSignature.sign(secret, ts, body.getBytes(StandardCharsets.UTF_8)))
        .body(body.getBytes(StandardCharsets.UTF_8));
  }

  static String message(String eventId, String conversationId, String text) {
    return """
        {"eventId":"%s","type":"CUSTOMER_MESSAGE","tenantId":"acme","conversationId":"%s",
         "channel":"WEBCHAT","occurredAt":"%s",
         "customer":{"id":"c1","name":"Ana"},"text":"%s"}"""
        .formatted(eventId, conversationId, Instant.now().toString(), text);
  }

  @Test
  void validEventIsAcceptedAndPublishedKeyedByConversation() {
    String eventId = "ev-" + UUID.randomUUID();
    String conversation = "conv-" + UUID.randomUUID();

    signed(message(eventId, conversation, "What are your opening hours?"), TestTenants.SECRET)
        .post("/v1/events")
        .then()
        .statusCode(202)
        .body("eventId", equalTo(eventId))
        .body("conversationId", equalTo(conversation))
        .body("duplicate", equalTo(false));

    List<ConversationEvent> published =
        TestTopics.readPublished(Topics.CONVERSATION_EVENTS, e -> e.eventId().equals(eventId));
    assertEquals(1, published.size());
    ConversationEvent event = published.get(0);
    assertEquals(EventType.CUSTOMER_MESSAGE, event.type());
    assertEquals("acme", event.tenantId());
    assertEquals("What are your opening hours?", event.text());
    assertEquals("Ana", event.customer().name());
  }

  @Test
  void onlyBatonLinksAConversationToAMissedCall() {
    String eventId = "ev-" + UUID.randomUUID();
    String body = """
        {"eventId":"%s","type":"CUSTOMER_MESSAGE","tenantId":"acme","conversationId":"conv-%s",
         "channel":"SMS","occurredAt":"%s","customer":{"id":"c1","phone":"+447700900777"},"text":"hi",
         "attributes":{"missedCall.conversationId":"call:forged","missedCall.at":"2026-11-23T09:00:00Z","x":"kept"}}"""
        .formatted(eventId, UUID.randomUUID(), Instant.now());

    signed(body, TestTenants.SECRET).post("/v1/events").then().statusCode(202);

    ConversationEvent event = TestTopics.readPublished(Topics.CONVERSATION_EVENTS, e -> e.eventId().equals(eventId)).get(0);
    assertEquals(java.util.Map.of("x", "kept"), event.attributes());
  }

  @Test
  void retriedEventIsAcceptedButPublishedOnce() {
    String eventId = "ev-" + UUID.randomUUID();
    String body = message(eventId, "conv-" + UUID.randomUUID(), "hello");

    signed(body, TestTenants.SECRET).post("/v1/events").then().statusCode(202).body("duplicate", equalTo(false));
    signed(body, TestTenants.SECRET).post("/v1/events").then().statusCode(202).body("duplicate", equalTo(true));

    assertEquals(1,
        TestTopics.readPublished(Topics.CONVERSATION_EVENTS, e -> e.eventId().equals(eventId)).size());
  }

  @Test
  void invalidFieldsAreNamedInAProblemBody() {
    String body =
        """
        {"eventId":"ev-x","type":"SHOUTED","tenantId":"acme","channel":"VOICE",
         "occurredAt":"yesterday","customer":{"email":"not-an-email"},"txt":"typo"}""";

    signed(body, TestTenants.SECRET)
        .post("/v1/events")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("title", equalTo("Invalid event"))
        .body("errors.field", hasItem("conversationId"))
        .body("errors.field", hasItem("type"))
        .body("errors.field", hasItem("occurredAt"))
        .body("errors.field", hasItem("customer.email"))
        .body("errors.field", hasItem("txt"));
  }

  @Test
  void textIsRequiredForMessages() {
    String body =
        """
        {"eventId":"ev-y","type":"CUSTOMER_MESSAGE","tenantId":"acme","conversationId":"c",
         "channel":"SMS"}""";
    signed(body, TestTenants.SECRET)
        .post("/v1/events")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("text"))
        .body("errors[0].message", containsString("required"));
  }

  @Test
  void wrongSignatureOrOtherTenantsSecretIsRefused() {
    String body = message("ev-" + UUID.randomUUID(), "c", "hi");
    signed(body, "wrong-secret").post("/v1/events").then().statusCode(401)
        .contentType("application/problem+json");
    // A tenant cannot post events as another tenant with its own secret.
    signed(body, TestTenants.OTHER_SECRET).post("/v1/events").then().statusCode(401);
    given().contentType("application/json").body(body).post("/v1/events").then().statusCode(401);
  }

  @Test
  void malformedJsonAndOversizedBodiesGetProblems() {
    signed("{\"eventId\":", TestTenants.SECRET).post("/v1/events").then().statusCode(400)
        .body("detail", containsString("not valid JSON"));
    String huge = message("ev-big", "c", "x".repeat(70_000));
    signed(huge, TestTenants.SECRET).post("/v1/events").then().statusCode(413)
        .contentType("application/problem+json");
  }
}
