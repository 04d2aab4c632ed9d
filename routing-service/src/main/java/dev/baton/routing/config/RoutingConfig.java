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

  /**
   * A message that waited longer than this in {@code sentiment-scored-events} (the service is
   * behind: a burst, a slow start) is classified by the n-gram models alone, at a tenth of a
   * millisecond instead of ~10 ms, until the service has caught up: a burst costs some accuracy
   * for a while rather than a queue that delays every tenant's replies. Its intent's model name
   * ends in {@code ;encoder-skipped}.
   */
  @WithDefault("1s")
  Duration encoderMaxWait();

  /** How often the model file is checked for a new version. */
  @WithDefault("30s")
  Duration modelCheckInterval();
}
