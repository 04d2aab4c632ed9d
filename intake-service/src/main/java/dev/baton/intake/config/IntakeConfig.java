package dev.baton.intake.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the intake service; every one has a default fit for the local run. */
@ConfigMapping(prefix = "intake")
public interface IntakeConfig {

  /** How far a webhook's signed timestamp may be from our clock before it is refused. */
  @WithDefault("5m")
  Duration signatureTolerance();

  /** How long an event id is remembered to drop retried webhooks. */
  @WithDefault("24h")
  Duration dedupTtl();

  /** Largest accepted request body, in bytes; larger gets 413. */
  @WithDefault("65536")
  int maxBodyBytes();

  /** Longest accepted message text, in characters. */
  @WithDefault("4000")
  int maxTextLength();

  /** How long to wait for the broker to confirm an event before answering 503. */
  @WithDefault("10s")
  Duration publishTimeout();

  Delivery delivery();

  /** Delivery of outbound messages to the tenants' callbacks. */
  interface Delivery {
    /** Attempts per message before it goes to the dead-letter topic. */
    @WithDefault("6")
    int maxAttempts();

    /** Wait before the first retry; doubled each time. */
    @WithDefault("500ms")
    Duration initialBackoff();

    @WithDefault("30s")
    Duration maxBackoff();

    @WithDefault("5s")
    Duration requestTimeout();
  }
}
