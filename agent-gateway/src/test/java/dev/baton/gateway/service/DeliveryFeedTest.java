package dev.baton.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schemas.Channel;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.SchemaVersions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryFeedTest {

  private static DeliveryStatus failed(Instant at, List<String> errors) {
    return new DeliveryStatus(SchemaVersions.CURRENT, "acme", "conv-1", "m-1", Channel.WHATSAPP,
        DeliveryStatus.Status.FAILED, at, "whatsapp", null, errors);
  }

  @Test
  void anEntryIsTheStatusItsTimeAndTheProvidersErrors() {
    ObjectNode e = DeliveryFeed.entry(failed(Instant.parse("2026-11-23T09:15:04Z"), List.of("131026 Message undeliverable")));
    assertEquals("{\"status\":\"FAILED\",\"at\":\"2026-11-23T09:15:04Z\",\"errors\":[\"131026 Message undeliverable\"]}",
        e.toString());
    assertEquals("{\"status\":\"FAILED\",\"at\":null,\"errors\":[]}", DeliveryFeed.entry(failed(null, List.of())).toString());
  }

  @Test
  void whatAnEventCarriesOfTheErrorsIsBounded() {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      errors.add(i + " " + "x".repeat(1000));
    }
    ObjectNode e = DeliveryFeed.entry(failed(Instant.now(), errors));
    assertEquals(DeliveryFeed.MAX_ERRORS, e.get("errors").size());
    String first = e.get("errors").get(0).asText();
    assertEquals(DeliveryFeed.MAX_ERROR_LENGTH + 1, first.length());
    assertTrue(first.startsWith("0 xxx") && first.endsWith("…"), first);
    assertEquals("9 ", e.get("errors").get(9).asText().substring(0, 2));
  }
}
