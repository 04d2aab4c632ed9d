package dev.baton.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * The language a customer message is written in, as the routing service detected it.
 *
 * @param code ISO 639-1 code ({@code en}, {@code de}, {@code fr}, ...), or {@link #UNKNOWN} when
 *     the message is too short or too ambiguous to tell ("ok", "order 4471902"): a reader then
 *     keeps the conversation's language rather than switching
 * @param confidence the detector's probability of {@code code} among all the languages it knows
 *     (about a hundred, so a clear sentence scores only 0.02–0.1); not calibrated, for the record
 * @param model name and version of the detector
 */
public record DetectedLanguage(String code, double confidence, String model) {
  public static final String UNKNOWN = "unknown";

  public DetectedLanguage {
    Objects.requireNonNull(code, "code");
  }

  /** True when the detector was sure enough to name a language. */
  @JsonIgnore
  public boolean known() {
    return !UNKNOWN.equals(code);
  }
}
