package dev.baton.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.e2e.SteadyLoad.Message;
import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.EmbeddedKafka;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Chaos under steady load: the five packaged services run as processes, a provider keeps posting
 * signed webhooks (two tenants, sharing conversation ids and event ids, FAQ questions and requests
 * for a person, every failed or timed-out POST retried with the same event id), and meanwhile
 * each service in turn is killed with SIGKILL and restarted, then the broker is stopped and
 * started again on the same ports and log dir (webhooks that timed out while it was down are
 * stored when it is back, and their retries are duplicates), then stopped again and the intake
 * SIGKILLed while it is down (webhooks claimed and waiting for the broker die with it).
 *
 * <p>Afterwards, reading the topics from the beginning (read_committed): every accepted event has
 * exactly one customer turn on {@code conversation-turns}, each conversation's turns are numbered
 * 0, 1, 2, ... without gap, no customer message got two bot replies, no episode two handoffs,
 * every accepted request for a person a handoff and no bot reply after it, and every message the
 * provider sent was accepted in the end.
 */
class ChaosTest {
  /** Conversation ids; each is used by both tenants, so twice as many conversations. */
  private static final int MAX_CONVERSATIONS = 600;
  private static final Duration NEW_CONVERSATION_EVERY = Duration.ofMillis(300);
  /** A provider retries a message this long before it gives up on it. */
  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);
  private static final Duration RECOVERY = Duration.ofSeconds(90);
  private static final String ASK_FOR_PERSON = "I want to speak to someone";
  private static final List<List<String>> SCRIPTS = List.of(
      List.of("What are your opening hours?", "Where are you?", ASK_FOR_PERSON, "What time do you open?"),
      List.of("When are you open?", "What is your address?", "Thanks"),
      List.of(ASK_FOR_PERSON, "Hello, are you still there?"));

  /** The k-th conversation: id {@code <run>c<k/2>}, even k for one tenant, odd for the other. */
  private static List<Message> conversation(String run, int k) {
    boolean acme = k % 2 == 0;
    String conversationId = run + "c" + (k / 2);
    List<String> script = SCRIPTS.get((k / 2) % SCRIPTS.size());
    return IntStream.range(0, script.size())
        .mapToObj(j -> new Message(acme ? TestTenants.TENANT : TestTenants.OTHER_TENANT,
            acme ? TestTenants.SECRET : TestTenants.OTHER_SECRET, conversationId,
            conversationId + "-m" + j, script.get(j)))
        .toList();
  }

  @Test
  void everyServiceAndTheBrokerKilledUnderLoadNothingAcceptedIsLostOrDoubled() throws Exception {
    String run = "chaos-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    Predicate<String> ours = conversationId -> conversationId.startsWith(run);
    Map<String, String> recoveries = new LinkedHashMap<>();
    SteadyLoad load;
    long loadStarted;
    try (CallbackReceiver callbacks = new CallbackReceiver();
        BatonProcesses baton = new BatonProcesses(callbacks.url(""));
        TurnWatcher turns = new TurnWatcher(ours);
        SteadyLoad steady = new SteadyLoad(() -> URI.create(baton.url("intake-service", "/v1/events")),
            k -> conversation(run, k), GIVE_UP_AFTER)) {
      load = steady;
      baton.awaitReady(Duration.ofMinutes(3));
      loadStarted = System.nanoTime();
      load.start(MAX_CONVERSATIONS, NEW_CONVERSATION_EVERY);
      await("the pipeline flowing").atMost(RECOVERY).until(() -> turns.customerTurns().size() >= 10);

      for (String service : BatonProcesses.SERVICES) {
        long killed = System.nanoTime();
        baton.kill(service);
        baton.start(service);
        baton.awaitReady(service, RECOVERY);
        long ready = System.nanoTime();
        awaitFlowing(load, turns, ready, service);
        recoveries.put(service + " (SIGKILL)",
            "ready after %s, turns flowing after %s".formatted(since(killed, ready), since(killed, System.nanoTime())));
      }
      // The broker: down until the provider feels it (POSTs time out while the intake waits for
      // the broker's confirmation), then up. The timed-out webhooks are stored once the broker is
      // back, and their retries are answered as duplicates.
      long stopped = System.nanoTime();
      int duplicatesBefore = load.duplicates();
      long up = outage(load, () -> { });
      awaitFlowing(load, turns, up, "broker");
      boolean duplicates = awaitQuietly(Duration.ofSeconds(15), () -> load.duplicates() > duplicatesBefore);
      recoveries.put("broker (stop, start)", "up after %s, turns flowing after %s%s".formatted(
          since(stopped, up), since(stopped, System.nanoTime()),
          duplicates ? "" : " (no retry of a stored webhook seen within 15 s)"));

      // The broker down again, and the intake SIGKILLed while it is, with webhooks claimed and
      // waiting for the broker's confirmation: they die with it, and their retries must be stored.
      stopped = System.nanoTime();
      up = outage(load, () -> baton.kill("intake-service"));
      baton.start("intake-service");
      baton.awaitReady("intake-service", RECOVERY);
      long intakeReady = System.nanoTime();
      awaitFlowing(load, turns, intakeReady, "broker and intake");
      recoveries.put("broker (stop, start) + intake (SIGKILL while the broker was down)",
          "broker up after %s, intake ready after %s, turns flowing after %s".formatted(
              since(stopped, up), since(stopped, intakeReady), since(stopped, System.nanoTime())));

      load.stop();
      await("the provider done").atMost(GIVE_UP_AFTER.plusSeconds(30)).until(load::idle);
      // Not the verdict: the assertions below, on the topics read from the start, say what is missing.
      if (!awaitQuietly(Duration.ofSeconds(60), () -> turns.customerTurns().containsAll(load.accepted()))) {
        System.out.println("chaos: not every accepted event reached conversation-turns within 60 s");
      }
      System.out.printf("chaos: load ran %s; %d callbacks received by the tenants' endpoint%n",
          since(loadStarted, System.nanoTime()), callbacks.received().size());
    }

    // The verdict, from the topics read from the beginning as any consumer would (read_committed).
    var turnsRead = CompletableFuture.supplyAsync(() -> TestTopics.read(Topics.CONVERSATION_TURNS,
        t -> ours.test(t.conversationId()), Duration.ofSeconds(8)));
    var outboundRead = CompletableFuture.supplyAsync(() -> TestTopics.read(Topics.OUTBOUND_MESSAGES,
        m -> ours.test(m.conversationId()), Duration.ofSeconds(8)));
    var handoffsRead = CompletableFuture.supplyAsync(() -> TestTopics.read(Topics.HANDOFFS,
        h -> ours.test(h.conversationId()), Duration.ofSeconds(8)));
    List<ConversationTurn> allTurns = turnsRead.get();
    List<OutboundMessage> outbound = outboundRead.get();
    List<HandoffRecord> handoffs = handoffsRead.get();

    Map<String, Message> sent = load.sent();
    Set<String> accepted = load.accepted();
    List<String> problems = new ArrayList<>();

    // Every accepted event: exactly one customer turn. Every customer turn: an event we sent.
    Map<String, Long> customerTurns = allTurns.stream().filter(t -> t.turn().speaker() == Speaker.CUSTOMER)
        .collect(Collectors.groupingBy(t -> t.tenantId() + "/" + t.turn().eventId(), Collectors.counting()));
    for (String key : accepted) {
      long n = customerTurns.getOrDefault(key, 0L);
      if (n != 1) {
        problems.add("accepted event " + key + ": " + n + " customer turns");
      }
    }
    customerTurns.keySet().stream().filter(k -> !sent.containsKey(k))
        .forEach(k -> problems.add("customer turn for an event never sent: " + k));
    customerTurns.keySet().stream().filter(k -> sent.containsKey(k) && !accepted.contains(k))
        .forEach(k -> System.out.println("chaos: stored though never answered 202 (the provider gave up): " + k));

    // Each conversation's turns in order, numbered from 0 without gap or repeat.
    Map<String, List<Long>> seqs = allTurns.stream().collect(Collectors.groupingBy(
        t -> ConversationKey.of(t.tenantId(), t.conversationId()), LinkedHashMap::new,
        Collectors.mapping(ConversationTurn::seq, Collectors.toList())));
    seqs.forEach((conversation, s) -> {
      List<Long> expected = IntStream.range(0, s.size()).mapToObj(i -> (long) i).toList();
      if (!s.equals(expected)) {
        problems.add(conversation + ": turn seqs " + s);
      }
    });

    // At most one bot reply per customer message (the message id is derived from the event id).
    List<OutboundMessage> botReplies = outbound.stream()
        .filter(m -> m.sender() == Speaker.BOT && (m.reason() == null || !m.reason().startsWith("handoff-notice")))
        .toList();
    botReplies.stream().collect(Collectors.groupingBy(
            m -> ConversationKey.of(m.tenantId(), m.conversationId()) + " <- " + m.causationEventId(), Collectors.counting()))
        .forEach((cause, n) -> {
          if (n > 1) {
            problems.add(cause + ": " + n + " bot replies");
          }
        });
    outbound.stream().collect(Collectors.groupingBy(m -> m.tenantId() + "/" + m.messageId(), Collectors.counting()))
        .forEach((id, n) -> {
          if (n > 1) {
            problems.add("outbound message " + id + " published " + n + " times");
          }
        });

    // At most one handoff per episode; every accepted request for a person handed over, and
    // the bot silent about anything said after it.
    Map<String, Long> handoffsPer = handoffs.stream()
        .collect(Collectors.groupingBy(HandoffRecord::handoffId, Collectors.counting()));
    handoffsPer.forEach((id, n) -> {
      if (n > 1) {
        problems.add("handoff " + id + " published " + n + " times");
      }
    });
    Set<String> handedOver = handoffs.stream()
        .map(h -> ConversationKey.of(h.tenantId(), h.conversationId())).collect(Collectors.toSet());
    Set<String> repliedTo = botReplies.stream().map(m -> m.tenantId() + "/" + m.causationEventId())
        .collect(Collectors.toSet());
    Map<String, List<Message>> byConversation = sent.values().stream().collect(Collectors.groupingBy(
        m -> ConversationKey.of(m.tenantId(), m.conversationId())));
    byConversation.forEach((conversation, messages) -> {
      List<Message> inOrder = messages.stream().sorted(java.util.Comparator.comparing(Message::eventId)).toList();
      int ask = IntStream.range(0, inOrder.size()).filter(i -> inOrder.get(i).text().equals(ASK_FOR_PERSON))
          .findFirst().orElse(-1);
      if (ask >= 0 && accepted.contains(inOrder.get(ask).key())) {
        if (!handedOver.contains(conversation)) {
          problems.add(conversation + ": asked for a person, no handoff");
        }
        inOrder.subList(ask, inOrder.size()).stream().filter(m -> repliedTo.contains(m.key()))
            .forEach(m -> problems.add(conversation + ": bot replied to " + m.eventId() + " after the handoff request"));
      }
    });

    // A provider that keeps retrying gets every message accepted in the end.
    load.givenUp().forEach(k -> problems.add("never accepted, the provider gave up after "
        + GIVE_UP_AFTER.toSeconds() + " s of retries: " + k + " (" + sent.get(k).text() + ")"));

    long conversations = byConversation.size();
    System.out.printf("""
        chaos counts:
          conversations %d (%d conversation ids, 2 tenants)
          events sent %d, accepted %d, given up %d
          POST attempts %d, retried %d, duplicates seen by the intake (202 "duplicate":true) %d
          failed attempts by kind %s
          turns %d (customer %d) in %d conversations
          bot replies %d, handoff notices %d, handoffs %d
          recoveries:
        %s
          problems %d
        """,
        conversations, load.conversationsStarted() / 2 + load.conversationsStarted() % 2,
        sent.size(), accepted.size(), load.givenUp().size(),
        load.attempts(), load.retries(), load.duplicates(), load.failures(),
        allTurns.size(), customerTurns.values().stream().mapToLong(Long::longValue).sum(), seqs.size(),
        botReplies.size(), outbound.stream().filter(m -> m.reason() != null && m.reason().startsWith("handoff-notice")).count(),
        handoffs.size(),
        recoveries.entrySet().stream().map(e -> "    " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n")),
        problems.size());
    problems.stream().limit(50).forEach(p -> System.out.println("  problem: " + p));

    assertTrue(accepted.size() > 100 && !botReplies.isEmpty() && !handoffs.isEmpty(),
        "the load must have run: " + accepted.size() + " accepted");
    assertEquals(List.of(), problems.stream().limit(50).toList(), problems.size() + " problems");
  }

  /** Something done while the broker is down. */
  private interface WhileDown {
    void run() throws Exception;
  }

  /**
   * Stops the broker, keeps it down until the provider has had 10 more failed POSTs, does
   * {@code whileDown}, and starts it again on the same ports and log dir; returns when it was up.
   */
  private static long outage(SteadyLoad load, WhileDown whileDown) throws Exception {
    int failedBefore = load.failedAttempts();
    try {
      EmbeddedKafka.get().shutdown();
      await("the provider feeling the broker down").atMost(Duration.ofSeconds(30))
          .until(() -> load.failedAttempts() - failedBefore >= 10);
      whileDown.run();
    } finally {
      // The broker is the JVM's, shared with the other test classes: it is started again whatever happens.
      EmbeddedKafka.get().startup();
    }
    return System.nanoTime();
  }

  /** Waits for {@code condition} at most {@code atMost}; says whether it held, without failing. */
  private static boolean awaitQuietly(Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
    try {
      await().atMost(atMost).until(condition);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /** Waits until an event accepted after {@code since} has reached {@code conversation-turns}. */
  private static void awaitFlowing(SteadyLoad load, TurnWatcher turns, long since, String what) {
    await("turns flowing again after " + what).atMost(RECOVERY).pollInterval(Duration.ofMillis(100))
        .until(() -> load.acceptedSince(since).stream().anyMatch(turns.customerTurns()::contains));
  }

  private static String since(long from, long to) {
    return "%.1f s".formatted((to - from) / 1e9);
  }

  /**
   * Follows {@code conversation-turns} (read_committed) in the background, to tell when the
   * pipeline is flowing again; the verdict reads the topic afresh.
   */
  private static final class TurnWatcher implements AutoCloseable {
    private final Set<String> customerTurns = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<String, ConversationTurn> consumer;
    private final Thread thread;

    TurnWatcher(Predicate<String> ours) {
      var topic = Topics.CONVERSATION_TURNS;
      consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(),
          ConsumerConfig.GROUP_ID_CONFIG, "chaos-watch-" + UUID.randomUUID(),
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
          topic.keySerde().deserializer(), topic.valueSerde().deserializer());
      consumer.subscribe(List.of(topic.name()));
      thread = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
              ConversationTurn t = r.value();
              if (t != null && ours.test(t.conversationId()) && t.turn().speaker() == Speaker.CUSTOMER) {
                customerTurns.add(t.tenantId() + "/" + t.turn().eventId());
              }
            });
          }
        } catch (WakeupException closing) {
          // close() woke the poll: done.
        } finally {
          consumer.close();
        }
      }, "chaos-turn-watcher");
      thread.setDaemon(true);
      thread.start();
    }

    Set<String> customerTurns() {
      return customerTurns;
    }

    @Override
    public void close() throws InterruptedException {
      consumer.wakeup();
      thread.join(10_000);
    }
  }
}
