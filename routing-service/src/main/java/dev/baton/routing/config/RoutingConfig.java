package dev.baton.routing.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the routing service. */
@ConfigMapping(prefix = "routing")
public interface RoutingConfig {

  /** Where agents' intent corrections are kept as training examples (CSV, appended). */
  @WithDefault("intent-feedback.csv")
  String feedbackFile();

  /**
   * A retrained default intent model to use instead of the shipped one; watched, and swapped in
   * without a restart when it changes. Unset: the shipped model.
   */
  Optional<String> modelFile();

  /** How often the model file is checked for a new version. */
  @WithDefault("30s")
  Duration modelCheckInterval();
}
