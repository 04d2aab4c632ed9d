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

  /**
   * The sentence encoder of the intent models' semantic stage ({@code bge-small-en-v1.5-q}), or
   * {@code none}. The stage adds the nearest training examples' vote to the n-gram models (the
   * default one and each tenant's): it recognises paraphrases and real customers' wording the
   * n-gram models miss (nlp/README.md), at milliseconds of one core for a message the n-gram
   * model is unsure of. {@code none} gives the n-gram models alone (a tenth of a millisecond).
   */
  @WithDefault("bge-small-en-v1.5-q")
  String intentEncoder();

  /** How often the model file is checked for a new version. */
  @WithDefault("30s")
  Duration modelCheckInterval();
}
