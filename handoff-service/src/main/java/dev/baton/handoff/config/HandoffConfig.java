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

  /**
   * Warm copies of each partition's state kept on other instances ({@code num.standby.replicas}):
   * with one, a crashed instance's conversations move to an instance that already has their state
   * instead of one that must first read it back from the changelog.
   */
  @WithDefault("0")
  int standbyReplicas();

  /**
   * How far from the time of processing an event's {@code occurredAt} is believed; beyond it (the
   * sender's clock is wrong, or the value is hostile) the event reads as happening now.
   */
  @WithDefault("24h")
  Duration eventTimeWindow();

  /**
   * The largest a conversation's state may serialize to, in bytes (at most half the topics'
   * 1 MiB record limit). Past it the oldest transcript turns are left out of the state and the
   * handoff; every turn stays on {@code conversation-turns}. Default 256 KiB.
   */
  @WithDefault("262144")
  int maxStateBytes();

  /** Distinct values kept per kind of collected data (order numbers, dates, ...), newest first. */
  @WithDefault("8")
  int maxSlotsPerType();

  /** Stream thread failures tolerated within {@link #threadFailureWindow()} before liveness goes DOWN. */
  @WithDefault("3")
  int maxThreadFailures();

  /** The window over which stream thread failures are counted. */
  @WithDefault("5m")
  Duration threadFailureWindow();

  /** How a caller's silence is timed from the end of the bot's speech (see the README, Silence). */
  Voice voice();

  interface Voice {
    /** How fast the voice provider's speech is taken to be, for the estimate of when it ends; slow is safe. */
    @WithDefault("2.5")
    double wordsPerSecond();

    /** The pause estimated after each sentence the bot says (half of it after a comma, ';' or ':'). */
    @WithDefault("500ms")
    Duration sentencePause();

    /**
     * On a call whose provider reports silence itself ({@code voice.silenceReportedBy}), how much
     * later than the estimated end of speech plus the timeout Baton hands off when no report came.
     */
    @WithDefault("10s")
    Duration reportMargin();
  }
}
