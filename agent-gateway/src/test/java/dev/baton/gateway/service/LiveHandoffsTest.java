package dev.baton.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveHandoffsTest {

  private static RelayedHandoff handoff(String tenant, int n) {
    return new RelayedHandoff(tenant + "/conv-" + n + ":1", tenant, "{}");
  }

  @Test
  void otherTenantsHandoffsNeverFillAStreamsBuffer() {
    LiveHandoffs live = new LiveHandoffs();
    AssertSubscriber<RelayedHandoff> acme = live.live("acme", 3).subscribe().withSubscriber(AssertSubscriber.create(0));

    for (int i = 0; i < 100; i++) {
      live.publish(handoff("globex", i));
    }
    live.publish(handoff("acme", 1));
    live.publish(handoff("acme", 2));
    acme.request(10);

    acme.assertNotTerminated();
    assertEquals(List.of("acme/conv-1:1", "acme/conv-2:1"), acme.getItems().stream().map(RelayedHandoff::handoffId).toList());
  }

  @Test
  void aStreamThatFallsTooFarBehindEndsWithOverflowInsteadOfGrowing() {
    LiveHandoffs live = new LiveHandoffs();
    AssertSubscriber<RelayedHandoff> slow = live.live("acme", 3).subscribe().withSubscriber(AssertSubscriber.create(0));
    AssertSubscriber<RelayedHandoff> fast = live.live("acme", 3).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));

    for (int i = 0; i < 4; i++) {
      live.publish(handoff("acme", i));
    }

    assertInstanceOf(LiveHandoffs.Overflow.class, slow.getFailure());
    fast.assertNotTerminated();
    assertEquals(4, fast.getItems().size(), "the others are not affected");
  }
}
