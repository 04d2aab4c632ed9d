package dev.baton.gateway.service;

import dev.baton.gateway.config.GatewayConfig;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.topic.Topics;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Matches the handoff service's {@link AgentActionResult}s to the requests waiting for them. Every
 * gateway instance reads every result (its own consumer group, from the latest offset, committed
 * records only), because the instance that published an action is the one whose request waits;
 * results for actions no request here waits for are ignored.
 *
 * <p>Waiting requests are held in a bounded map keyed by tenant and action id (action ids are
 * {@code <agentId>:<key>}, unique per tenant only); each entry leaves it when its request is
 * answered or its wait times out, and entries older than twice the wait are swept on the next
 * registration in case a request never subscribed. When the map is full a request does not wait
 * and is answered as pending. A result that cannot be read is ignored here: {@link ResultFeed}
 * (one group for all instances) sends it to {@code agent-action-results-dlq}.
 */
@ApplicationScoped
public class ActionResults {
  private static final Logger LOG = Logger.getLogger(ActionResults.class);

  private final ConcurrentMap<String, Waiting> waiting = new ConcurrentHashMap<>();
  private final Duration timeout;
  private final int maxWaiting;

  private record Waiting(CompletableFuture<AgentActionResult> result, long since) {}

  @Inject
  public ActionResults(GatewayConfig config) {
    this(config.actionResultTimeout(), config.actionResultMaxWaiting());
  }

  ActionResults(Duration timeout, int maxWaiting) {
    this.timeout = timeout;
    this.maxWaiting = maxWaiting;
  }

  /**
   * Registers a wait for the result of {@code actionId}; call it before publishing the action so
   * that a fast result is not missed. The {@code Uni} has the result, or an empty optional if
   * none came within {@code gateway.action-result-timeout} (or too many requests wait already).
   */
  public Uni<Optional<AgentActionResult>> expect(String tenantId, String actionId) {
    long now = System.nanoTime();
    sweep(now);
    String key = key(tenantId, actionId);
    if (waiting.size() >= maxWaiting && !waiting.containsKey(key)) {
      LOG.warnf("%d requests already wait for action results; %s is answered as pending", waiting.size(), actionId);
      return Uni.createFrom().item(Optional.empty());
    }
    Waiting w = waiting.computeIfAbsent(key, k -> new Waiting(new CompletableFuture<>(), now));
    return Uni.createFrom().completionStage(w.result())
        .map(Optional::of)
        .ifNoItem().after(timeout).recoverWithItem(Optional.empty())
        .onTermination().invoke(() -> waiting.remove(key, w));
  }

  /** Stops waiting for an action that could not be published. */
  public void forget(String tenantId, String actionId) {
    waiting.remove(key(tenantId, actionId));
  }

  /** How many requests wait now (for tests and health). */
  public int waitingCount() {
    return waiting.size();
  }

  @Incoming(Topics.Names.AGENT_ACTION_RESULTS)
  @Blocking
  public void onResult(ConsumerRecord<String, byte[]> record) {
    AgentActionResult result;
    try {
      result = Topics.AGENT_ACTION_RESULTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
      if (result == null) {
        throw new SerializationException("empty record");
      }
    } catch (SerializationException e) {
      // Dead-lettered once, by the shared group's ResultFeed, not once per instance here.
      LOG.debugf("unreadable result at %s-%d@%d ignored here", record.topic(), record.partition(), record.offset());
      return;
    }
    Waiting w = waiting.get(key(result.tenantId(), result.actionId()));
    if (w != null) {
      w.result().complete(result);
    }
  }

  private void sweep(long now) {
    long stale = timeout.multipliedBy(2).toNanos();
    waiting.entrySet().removeIf(e -> now - e.getValue().since() > stale);
  }

  private static String key(String tenantId, String actionId) {
    return tenantId + "/" + actionId;
  }
}
