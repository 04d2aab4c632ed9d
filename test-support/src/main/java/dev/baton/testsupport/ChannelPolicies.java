package dev.baton.testsupport;

import dev.baton.schemas.topic.Topics;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.Config;

/**
 * Baton's policy for a service's Kafka channels, checked against the running service: every
 * incoming channel dead-letters what escapes it ({@code failure-strategy=dead-letter-queue}) to
 * its topic's {@code -dlq}, and every producer the service's channels made, dead-letter producers
 * included, refuses a record exactly where the topics would: {@code max.request.size} =
 * {@link Topics#MAX_MESSAGE_BYTES}.
 *
 * <p>The producers are seen as the connector creates them: a service's tests feed {@link
 * #recordIfProducer} from a {@code ClientCustomizer}, which the connector calls with each client's
 * final settings.
 */
public final class ChannelPolicies {
  private static final String IN = "mp.messaging.incoming.";
  private static final String OUT = "mp.messaging.outgoing.";
  /** The connector names a channel's dead-letter producer after the channel's consumer. */
  private static final String DLQ_PRODUCER = "kafka-dead-letter-topic-producer-";

  /** The listener that tells the service's readiness check a channel has its partitions. */
  private static final String ASSIGNMENTS_LISTENER = "baton-consumer-assignments";

  private static final Map<String, Map<String, Object>> PRODUCERS = new ConcurrentHashMap<>();

  private ChannelPolicies() {}

  /** Keeps a Kafka client's settings if they are a producer's; returns them unchanged. */
  public static Map<String, Object> recordIfProducer(Map<String, Object> settings) {
    if (settings.containsKey("key.serializer")) {
      PRODUCERS.put(String.valueOf(settings.get("client.id")), new HashMap<>(settings));
    }
    return settings;
  }

  /** The producers recorded so far, by client id. */
  public static Map<String, Map<String, Object>> producers() {
    return Map.copyOf(PRODUCERS);
  }

  /** The service's Kafka channels in one direction ({@code incoming} or {@code outgoing}), sorted. */
  public static List<String> channels(Config config, boolean incoming) {
    String prefix = incoming ? IN : OUT;
    return StreamSupport.stream(config.getPropertyNames().spliterator(), false)
        .filter(n -> n.startsWith(prefix) && n.endsWith(".connector"))
        .filter(n -> "smallrye-kafka".equals(config.getOptionalValue(n, String.class).orElse(null)))
        .map(n -> n.substring(prefix.length(), n.length() - ".connector".length()))
        .sorted()
        .toList();
  }

  /** Everything about the service's channels that breaks the policy; empty when it holds. */
  public static List<String> violations(Config config) {
    List<String> out = new ArrayList<>();
    for (String channel : channels(config, true)) {
      String topic = value(config, IN + channel + ".topic").orElse(channel);
      String strategy = value(config, IN + channel + ".failure-strategy").orElse("fail");
      if (!strategy.equals("dead-letter-queue")) {
        out.add(channel + ": failure-strategy is " + strategy);
      }
      String dlq = value(config, IN + channel + ".dead-letter-queue.topic").orElse("(the connector's default)");
      if (!dlq.equals(Topics.deadLetterName(topic))) {
        out.add(channel + ": dead letters go to " + dlq + ", not " + Topics.deadLetterName(topic));
      }
      String listener = value(config, IN + channel + ".consumer-rebalance-listener.name")
          .or(() -> value(config, "mp.messaging.connector.smallrye-kafka.consumer-rebalance-listener.name"))
          .orElse("(none)");
      if (!listener.equals(ASSIGNMENTS_LISTENER)) {
        out.add(channel + ": rebalance listener is " + listener + ", so readiness cannot see its partitions");
      }
      if (PRODUCERS.keySet().stream().noneMatch(id -> id.startsWith(DLQ_PRODUCER) && id.endsWith("-" + channel))) {
        out.add(channel + ": no dead-letter producer was created; producers: " + PRODUCERS.keySet());
      }
    }
    for (String channel : channels(config, false)) {
      if (PRODUCERS.keySet().stream().noneMatch(id -> !id.startsWith(DLQ_PRODUCER) && id.endsWith("-" + channel))) {
        out.add(channel + ": no producer was created; producers: " + PRODUCERS.keySet());
      }
    }
    PRODUCERS.forEach((id, settings) -> {
      Object limit = settings.get("max.request.size");
      if (limit == null || Integer.parseInt(String.valueOf(limit)) != Topics.MAX_MESSAGE_BYTES) {
        out.add(id + ": max.request.size is " + limit + ", not " + Topics.MAX_MESSAGE_BYTES);
      }
    });
    return out;
  }

  /**
   * Waits until the service at {@code readyUrl} ({@code /q/health/ready}) answers 200 with its
   * {@code kafka-consumers} check UP, and returns the body: every channel has its partitions.
   */
  public static String awaitConsumersReady(URL readyUrl) {
    HttpClient http = HttpClient.newHttpClient();
    AtomicReference<String> body = new AtomicReference<>();
    Awaitility.await("kafka-consumers UP at " + readyUrl).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          HttpResponse<String> response = http.send(HttpRequest.newBuilder(readyUrl.toURI()).build(),
              HttpResponse.BodyHandlers.ofString());
          body.set(response.body());
          return response.statusCode() == 200 && body.get().matches("(?s).*\\{[^{}]*\"name\"\\s*:\\s*\"kafka-consumers\"[^{}]*\"status\"\\s*:\\s*\"UP\".*");
        });
    return body.get();
  }

  private static Optional<String> value(Config config, String name) {
    return config.getOptionalValue(name, String.class);
  }
}
