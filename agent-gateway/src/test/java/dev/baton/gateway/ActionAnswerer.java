package dev.baton.gateway;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.AgentActionResult.Outcome;
import dev.baton.schemas.Owner;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A test double of the handoff service's answer to agent actions: it reads {@code agent-actions}
 * and, for conversations whose id starts with {@link #PREFIX}, publishes an
 * {@link AgentActionResult} on {@code agent-action-results} in the real wire format. Its model is
 * the engine's ownership rule, cut down: conversations {@code <PREFIX>missing-*} do not exist; the
 * first claim wins; only the owner may reply, note, transfer, hand back or resolve (and then no
 * longer owns it); an action id seen before is a duplicate. Conversations without the prefix are never answered (their requests end PENDING).
 */
final class ActionAnswerer implements AutoCloseable {
  static final String PREFIX = "answered-";
  static final String MISSING = PREFIX + "missing-";

  private final KafkaConsumer<String, AgentAction> consumer;
  private final KafkaProducer<String, AgentActionResult> producer;
  private final Map<String, String> owners = new HashMap<>();
  private final Set<String> seen = new HashSet<>();
  private final Thread thread;
  private volatile boolean running = true;

  ActionAnswerer() {
    String servers = EmbeddedKafka.get().bootstrapServers();
    consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
        Topics.AGENT_ACTIONS.keySerde().deserializer(), Topics.AGENT_ACTIONS.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(Topics.AGENT_ACTIONS.name()).stream()
        .map(p -> new TopicPartition(Topics.AGENT_ACTIONS.name(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
        Topics.AGENT_ACTION_RESULTS.keySerde().serializer(), Topics.AGENT_ACTION_RESULTS.valueSerde().serializer());
    thread = new Thread(this::run, "action-answerer");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, AgentAction> r : consumer.poll(Duration.ofMillis(50))) {
          AgentAction a = r.value();
          if (a != null && a.conversationId().startsWith(PREFIX)) {
            AgentActionResult result = answer(a);
            producer.send(new ProducerRecord<>(Topics.AGENT_ACTION_RESULTS.name(), result.conversationKey(), result));
          }
        }
        producer.flush();
      }
    } catch (WakeupException e) {
      // closing
    }
  }

  private AgentActionResult answer(AgentAction a) {
    if (a.conversationId().startsWith(MISSING)) {
      return result(a, Outcome.REFUSED, "no conversation " + a.conversationId(), null, null);
    }
    String key = a.conversationKey();
    String owner = owners.get(key);
    if (!seen.add(a.tenantId() + "/" + a.actionId())) {
      return result(a, Outcome.DUPLICATE, null, owner == null ? Owner.QUEUED : Owner.AGENT, owner);
    }
    boolean own = a.agentId().equals(owner);
    if (a.type() == AgentAction.Type.RELEASE && AgentAction.SYSTEM_AGENT.equals(a.agentId()) && owner != null) {
      owners.remove(key);
      return result(a, Outcome.APPLIED, null, Owner.QUEUED, null);
    }
    if (a.type() == AgentAction.Type.CLAIM && owner == null) {
      owners.put(key, a.agentId());
      return result(a, Outcome.APPLIED, null, Owner.AGENT, a.agentId());
    }
    if (own) {
      switch (a.type()) {
        case RESOLVE -> {
          owners.remove(key);
          return result(a, Outcome.APPLIED, null, Owner.RESOLVED, null);
        }
        case HAND_BACK -> {
          owners.remove(key);
          return result(a, Outcome.APPLIED, null, Owner.BOT, null);
        }
        case TRANSFER -> {
          if (a.targetAgentId() != null) {
            owners.put(key, a.targetAgentId());
            return result(a, Outcome.APPLIED, null, Owner.AGENT, a.targetAgentId());
          }
          owners.remove(key);
          return result(a, Outcome.APPLIED, null, Owner.QUEUED, null);
        }
        default -> {
          return result(a, Outcome.APPLIED, null, Owner.AGENT, owner);
        }
      }
    }
    String reason = "cannot " + a.type() + ": conversation is " + (owner == null ? "QUEUED" : "owned by " + owner);
    return result(a, Outcome.REFUSED, reason, owner == null ? Owner.QUEUED : Owner.AGENT, owner);
  }

  private static AgentActionResult result(AgentAction a, Outcome outcome, String reason, Owner owner, String ownerAgentId) {
    return new AgentActionResult(SchemaVersions.CURRENT, a.actionId(), a.tenantId(), a.conversationId(), a.agentId(),
        a.type(), outcome, reason, owner, ownerAgentId, Instant.now(), a.targetSkill(), a.resolutionCode());
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5000);
    consumer.close();
    producer.close();
  }
}
