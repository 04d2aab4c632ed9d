package dev.baton.handoff.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the handoff service. Escalation rules are per tenant, in the tenants file. */
@ConfigMapping(prefix = "handoff")
public interface HandoffConfig {

  /** Where Kafka Streams keeps its local state (RocksDB); a temp dir when unset. */
  Optional<String> stateDir();

  /** How often open silence deadlines are checked; a silent call escalates at most this late. */
  @WithDefault("100ms")
  Duration silenceCheckInterval();

  /** How often the state of closed conversations past their retention is deleted. */
  @WithDefault("1m")
  Duration retentionCheckInterval();

  /** Exactly-once commits: outputs become visible to consumers at each commit. */
  @WithDefault("100ms")
  Duration commitInterval();

  /** Stream threads; each owns some of the conversation partitions. */
  @WithDefault("1")
  int streamThreads();
}
