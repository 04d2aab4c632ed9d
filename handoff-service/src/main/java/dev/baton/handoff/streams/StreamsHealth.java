package dev.baton.handoff.streams;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the topology runs; alive unless Kafka Streams has stopped for good. */
public class StreamsHealth {

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
      return HealthCheckResponse.named("handoff-streams").status(state == KafkaStreams.State.RUNNING)
          .withData("state", state.name()).build();
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
      boolean dead = state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING;
      return HealthCheckResponse.named("handoff-streams").status(!dead).withData("state", state.name()).build();
    }
  }
}
