package dev.baton.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamConnectionsTest {

  @Test
  void eachAgentHasAtMostMaxStreamsAndClosingOneFreesASlot() {
    StreamConnections c = new StreamConnections();
    assertTrue(c.tryOpen("acme/alice", 2));
    assertTrue(c.tryOpen("acme/alice", 2));
    assertFalse(c.tryOpen("acme/alice", 2));
    assertTrue(c.tryOpen("acme/bob", 2), "per agent");

    c.close("acme/alice");

    assertEquals(1, c.open("acme/alice"));
    assertTrue(c.tryOpen("acme/alice", 2));
    c.close("acme/alice");
    c.close("acme/alice");
    assertEquals(0, c.open("acme/alice"));
  }
}
