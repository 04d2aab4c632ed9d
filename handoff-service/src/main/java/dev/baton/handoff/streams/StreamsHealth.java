package dev.baton.handoff.streams;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the topology runs. Alive unless Kafka Streams has stopped for good, which includes
 * a stream thread failing more often than {@code handoff.max-thread-failures} within the window:
 * the client then shuts itself down, so that Kubernetes restarts a service that would otherwise
 * look alive and process nothing.
 */
public final class StreamsHealth {
  private StreamsHealth() {}

  private static HealthCheckResponse response(KafkaStreams.State state, boolean up) {
    return HealthCheckResponse.named("handoff-streams").status(up).withData("state", state.name()).build();
  }

  @ApplicationScoped
  @Readiness
  public static class Ready implements HealthCheck {
    private final StreamsLifecycle streams;

    public Ready(StreamsLifecycle streams) {
      this.streams = streams;
    }

    @Override
    public HealthCheckResponse call() {
      KafkaStreams.State state = streams.state();
      return response(state, state == KafkaStreams.State.RUNNING);
    }
  }

  @ApplicationScoped
  @Liveness
  public static class Alive implements HealthCheck {
    private final StreamsLifecycle streams;

    public Alive(StreamsLifecycle streams) {
      this.streams = streams;
    }

    @Override
    public HealthCheckResponse call() {
      KafkaStreams.State state = streams.state();
      boolean up = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING
          && state != KafkaStreams.State.PENDING_ERROR && state != KafkaStreams.State.PENDING_SHUTDOWN;
      return HealthCheckResponse.named("handoff-streams").status(up).withData("state", state.name())
          .withData("recentThreadFailures", streams.recentThreadFailures()).build();
    }
  }
}
