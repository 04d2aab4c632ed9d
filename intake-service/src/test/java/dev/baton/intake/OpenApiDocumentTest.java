package dev.baton.intake;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.serde.Json;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The intake's OpenAPI document at /q/openapi: the real webhook paths, problem answers, no secrets. */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class OpenApiDocumentTest {

  private static String document() {
    return given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
  }

  @Test
  void theDocumentDescribesTheWebhooksTheResourcesServe() throws Exception {
    JsonNode api = Json.MAPPER.readTree(document());
    assertEquals("Baton intake API", api.path("info").path("title").asText());
    JsonNode paths = api.path("paths");
    for (String path : List.of("/v1/events", "/v1/channels/whatsapp/{tenantId}",
        "/v1/channels/twilio/{tenantId}/messages", "/v1/channels/twilio/{tenantId}/voice",
        "/v1/channels/mailgun/{tenantId}", "/v1/channels/sendgrid/{tenantId}/{token}",
        "/v1/webchat/{tenantId}/messages")) {
      assertTrue(paths.has(path), path + " in " + paths.properties());
    }
    JsonNode whatsapp = paths.path("/v1/channels/whatsapp/{tenantId}");
    assertTrue(whatsapp.has("get") && whatsapp.has("post"), "the handshake and the webhook");
    assertEquals("WhatsApp", whatsapp.path("post").path("tags").path(0).asText());
    assertFalse(whatsapp.path("post").path("summary").asText().isBlank());
    // An error answer carries the problem body; the handshake's refusal stays plain text.
    assertEquals("#/components/schemas/Problem", whatsapp.path("post").path("responses").path("401")
        .path("content").path("application/problem+json").path("schema").path("$ref").asText());
    assertTrue(whatsapp.path("get").path("responses").path("403").path("content").has("text/plain"));
    JsonNode event = paths.path("/v1/events").path("post").path("responses");
    for (String code : List.of("400", "401", "503")) {
      assertTrue(event.path(code).path("content").has("application/problem+json"), code);
    }
    assertTrue(api.path("components").path("schemas").path("Problem").path("properties").has("detail"));
  }

  @Test
  void noTenantSecretIsInTheDocument() {
    String doc = document();
    for (String secret : List.of(TestTenants.SECRET, TestTenants.WHATSAPP_APP_SECRET, TestTenants.WHATSAPP_VERIFY_TOKEN,
        TestTenants.WHATSAPP_ACCESS_TOKEN, TestTenants.MAILGUN_SIGNING_KEY, TestTenants.SENDGRID_INBOUND_TOKEN,
        TestTenants.WEBCHAT_SECRET, TestTenants.TWILIO_ACCOUNT_SID)) {
      assertFalse(doc.contains(secret), "a tenant's secret in the OpenAPI document");
    }
  }

  @Test
  void theWebhooksStillRefuseAnUnsignedPost() {
    given().contentType("application/json").body("{}")
        .post("/v1/channels/whatsapp/" + TestTenants.WHATSAPP_TENANT).then().statusCode(401);
  }
}
