package dev.baton.support.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means able to work: every Kafka channel of the service has joined its consumer group and
 * been given its partitions. Until then a record published to the service would wait for the
 * group to form (seconds after start, longer after a crash), while the platform already routes
 * to it and a rolling update already stops the instance it replaces.
 */
@ApplicationScoped
@Readiness
public class ConsumersReady implements HealthCheck {
  private static final Pattern CONNECTOR = Pattern.compile("mp\\.messaging\\.incoming\\.(.+)\\.connector");

  /** A consumer the service runs: its channel, topic and group. */
  record Channel(String name, String topic, String group) {}

  private final ConsumerAssignments assignments;
  private final List<Channel> channels;

  public ConsumersReady(@Identifier(ConsumerAssignments.NAME) ConsumerAssignments assignments, Config config) {
    this.assignments = assignments;
    this.channels = channels(config);
  }

  /** The enabled Kafka channels in {@code config} that consume as a group. */
  static List<Channel> channels(Config config) {
    List<Channel> channels = new ArrayList<>();
    for (String name : config.getPropertyNames()) {
      Matcher m = CONNECTOR.matcher(name);
      if (!m.matches() || !"smallrye-kafka".equals(config.getOptionalValue(name, String.class).orElse(""))) {
        continue;
      }
      String channel = m.group(1);
      String prefix = "mp.messaging.incoming." + channel + ".";
      if (!config.getOptionalValue(prefix + "enabled", Boolean.class).orElse(true)) {
        continue;
      }
      config.getOptionalValue(prefix + "group.id", String.class).ifPresent(group -> channels.add(new Channel(
          channel, config.getOptionalValue(prefix + "topic", String.class).orElse(channel), group)));
    }
    channels.sort((a, b) -> a.name().compareTo(b.name()));
    return List.copyOf(channels);
  }

  @Override
  public HealthCheckResponse call() {
    List<String> waiting = channels.stream()
        .filter(c -> !assignments.assigned(c.group(), c.topic()))
        .map(Channel::name)
        .toList();
    var response = HealthCheckResponse.named("kafka-consumers").status(waiting.isEmpty());
    if (!waiting.isEmpty()) {
      response.withData("waitingForPartitions", String.join(",", waiting));
    }
    return response.build();
  }
}
