package dev.baton.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SentIdsTest {

  @Test
  void rememberesAtMostItsCapacityOfIds() {
    AgentStreamResource.SentIds sent = new AgentStreamResource.SentIds(2);
    assertTrue(sent.firstTime("a"));
    assertFalse(sent.firstTime("a"));
    assertTrue(sent.firstTime("b"));
    assertTrue(sent.firstTime("c"));

    assertTrue(sent.firstTime("a"), "the oldest was forgotten: memory stays bounded");
    assertFalse(sent.firstTime("c"));
  }
}
