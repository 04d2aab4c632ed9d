package dev.baton.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.serde.Json;
import dev.baton.testsupport.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway's OpenAPI document at /q/openapi: the agents' paths, the bearer scheme, problem answers, no secrets. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class OpenApiDocumentTest {

  private static String document() {
    return given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
  }

  @Test
  void theDocumentDescribesTheAgentsApiAndItsToken() throws Exception {
    JsonNode api = Json.MAPPER.readTree(document());
    assertEquals("Baton agent gateway API", api.path("info").path("title").asText());
    JsonNode paths = api.path("paths");
    for (String path : List.of("/v1/agent/stream", "/v1/agent/conversations", "/v1/agent/conversations/{conversationId}",
        "/v1/agent/conversations/{conversationId}/claim", "/v1/agent/conversations/{conversationId}/reply",
        "/v1/agent/conversations/{conversationId}/resolve", "/v1/agent/conversations/{conversationId}/transcript",
        "/v1/agent/me", "/v1/agent/presence", "/v1/agent/audit")) {
      assertTrue(paths.has(path), path + " in " + paths.properties());
    }
    JsonNode scheme = api.path("components").path("securitySchemes").path("agent-token");
    assertEquals("http", scheme.path("type").asText());
    assertEquals("bearer", scheme.path("scheme").asText());
    // Only the one scheme: not the OIDC extension's, which would name the issuer.
    assertEquals(1, api.path("components").path("securitySchemes").size());

    JsonNode claim = paths.path("/v1/agent/conversations/{conversationId}/claim").path("post");
    assertEquals("Actions", claim.path("tags").path(0).asText());
    assertTrue(claim.path("security").path(0).has("agent-token"), claim.path("security").toString());
    for (String code : List.of("401", "403", "404", "409", "503")) {
      assertEquals("#/components/schemas/Problem", claim.path("responses").path(code).path("content")
          .path("application/problem+json").path("schema").path("$ref").asText(), code);
    }
    assertTrue(claim.path("responses").path("202").path("content").has("application/json"));
    assertFalse(paths.path("/v1/agent/conversations/{conversationId}/reply").path("post").path("summary").asText().isBlank());
  }

  @Test
  void noTokenIsInTheDocument() {
    String doc = document();
    for (String secret : List.of(TestTenants.AGENT_TOKEN, TestTenants.OTHER_AGENT_TOKEN, TestTenants.SECRET,
        GatewayTestResource.SUPERVISOR_TOKEN)) {
      assertFalse(doc.contains(secret), "an agent's token in the OpenAPI document");
    }
  }

  @Test
  void anActionStillNeedsTheAgentsToken() {
    given().contentType("application/json").body("{}").post("/v1/agent/conversations/conv-1/claim")
        .then().statusCode(401).contentType("application/problem+json");
    given().header("Authorization", "Bearer not-a-token").contentType("application/json").body("{}")
        .post("/v1/agent/conversations/conv-1/claim").then().statusCode(401);
  }
}
