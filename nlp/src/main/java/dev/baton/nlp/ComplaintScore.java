package dev.baton.nlp;

/**
 * Whether a message complains: a stated failure, repeated contact, sarcasm, an angry report.
 *
 * @param score from 0 (not a complaint) to 1 (certainly one); the escalation rules compare it with
 *     the tenant's {@code complaintThreshold}
 * @param sarcasm whether sarcastic praise or thanks was seen ("great, another delay", "thanks for
 *     nothing")
 */
public record ComplaintScore(double score, boolean sarcasm) {
  /** Gratitude and relief in a sarcastic message: no more than the sentiment rules allow. */
  private static final double SARCASTIC_THANKS = 0.1;

  public ComplaintScore {
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("complaint score must be in [0, 1]: " + score);
    }
  }

  /**
   * The sentiment as it should read given this signal: a sarcastic complaint the sentiment model
   * read as positive ("thanks for sending me a size 8 when I ordered a 12, very useful") is
   * negative with the same strength, and its thanks are not gratitude. Anything else unchanged.
   */
  public SentimentScore correct(SentimentScore s) {
    if (!sarcasm || !s.label().equals("positive")) {
      return s;
    }
    java.util.Map<String, Double> emotions = new java.util.LinkedHashMap<>(s.emotions());
    emotions.computeIfPresent("gratitude", (k, v) -> Math.min(v, SARCASTIC_THANKS));
    emotions.computeIfPresent("relief", (k, v) -> Math.min(v, SARCASTIC_THANKS));
    return new SentimentScore("negative", -Math.abs(s.score()), emotions);
  }
}
