package dev.baton.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.Owner;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Matching results to waiting requests: by tenant and action id, bounded, never left behind. */
class ActionResultsWaitTest {
  private static final Duration WAIT = Duration.ofMillis(200);

  private static AgentActionResult result(String tenant, String actionId) {
    return new AgentActionResult(SchemaVersions.CURRENT, actionId, tenant, "conv-1", "alice", AgentAction.Type.CLAIM,
        AgentActionResult.Outcome.APPLIED, null, Owner.AGENT, "alice", Instant.now());
  }

  private static ConsumerRecord<String, byte[]> record(AgentActionResult r) {
    return new ConsumerRecord<>(Topics.AGENT_ACTION_RESULTS.name(), 0, 0, r.conversationKey(),
        Topics.AGENT_ACTION_RESULTS.valueSerde().serializer().serialize("t", r));
  }

  @Test
  void aResultCompletesTheRequestWaitingForItsTenantAndActionOnly() {
    ActionResults results = new ActionResults(Duration.ofSeconds(5), 10);
    var acme = results.expect("acme", "alice:k1").subscribe().withSubscriber(UniAssertSubscriber.create());
    var globex = results.expect("globex", "alice:k1").subscribe().withSubscriber(UniAssertSubscriber.create());

    results.onResult(record(result("acme", "alice:k1")));
    results.onResult(record(result("acme", "someone-else:k9"))); // for another instance: ignored

    Optional<AgentActionResult> got = acme.awaitItem(Duration.ofSeconds(1)).getItem();
    assertEquals("acme", got.orElseThrow().tenantId());
    globex.assertNotTerminated();
    assertEquals(1, results.waitingCount(), "the answered request left the map");
  }

  @Test
  void noResultInTimeIsEmptyAndLeavesTheMap() {
    ActionResults results = new ActionResults(WAIT, 10);
    Optional<AgentActionResult> got = results.expect("acme", "alice:k2")
        .subscribe().withSubscriber(UniAssertSubscriber.create()).awaitItem(Duration.ofSeconds(2)).getItem();
    assertTrue(got.isEmpty());
    assertEquals(0, results.waitingCount());
  }

  @Test
  void pastTheBoundARequestDoesNotWait() {
    ActionResults results = new ActionResults(Duration.ofSeconds(5), 1);
    results.expect("acme", "alice:a").subscribe().withSubscriber(UniAssertSubscriber.create());

    Optional<AgentActionResult> got = results.expect("acme", "alice:b")
        .subscribe().withSubscriber(UniAssertSubscriber.create()).awaitItem(Duration.ofMillis(100)).getItem();
    assertTrue(got.isEmpty());
    assertEquals(1, results.waitingCount());
  }

  @Test
  void aWaitNeverSubscribedIsSweptAfterTwiceTheTimeout() throws InterruptedException {
    ActionResults results = new ActionResults(Duration.ofMillis(20), 10);
    results.expect("acme", "alice:never-subscribed");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> {
      results.expect("acme", "alice:probe-" + System.nanoTime());
      return results.waitingCount() <= 1;
    });
  }
}
