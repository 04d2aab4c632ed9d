package dev.baton.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class StreamConnectionsTest {

  @Test
  void eachAgentHasAtMostMaxStreamsAndClosingOneFreesASlot() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StreamConnections c = new StreamConnections(registry);
    assertTrue(c.tryOpen("acme/alice", 2));
    assertTrue(c.tryOpen("acme/alice", 2));
    assertFalse(c.tryOpen("acme/alice", 2));
    assertTrue(c.tryOpen("acme/bob", 2), "per agent");

    c.close("acme/alice");

    assertEquals(1, c.open("acme/alice"));
    assertTrue(c.tryOpen("acme/alice", 2));
    assertEquals(3.0, connections(registry), "every open stream counted once");
    c.close("acme/alice");
    c.close("acme/alice");
    c.close("acme/alice"); // one close too many is not counted
    assertEquals(0, c.open("acme/alice"));
    assertEquals(1.0, connections(registry), "bob's");
  }

  private static double connections(SimpleMeterRegistry registry) {
    return registry.get("baton.sse.connections").tag("stream", "agent").gauge().value();
  }
}
