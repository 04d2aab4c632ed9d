package dev.baton.schemas;

import java.util.Map;

/**
 * Sentiment of one customer message.
 *
 * @param label negative, neutral or positive
 * @param score from -1 (most negative) to +1 (most positive)
 * @param emotions emotion tag (anger, confusion, sadness, relief, gratitude, ...) to a score in
 *     [0, 1]; never null
 * @param model name and version of the model that produced it
 * @param complaint whether the message complains; null in events written before it existed, or
 *     when no complaint model ran
 */
public record Sentiment(String label, double score, Map<String, Double> emotions, String model, Complaint complaint) {
  public static final String NEGATIVE = "negative";
  public static final String NEUTRAL = "neutral";
  public static final String POSITIVE = "positive";

  public Sentiment {
    emotions = emotions == null ? Map.of() : Map.copyOf(emotions);
  }

  /** Without a complaint signal (as written before it existed). */
  public Sentiment(String label, double score, Map<String, Double> emotions, String model) {
    this(label, score, emotions, model, null);
  }

  public Sentiment withComplaint(Complaint c) {
    return new Sentiment(label, score, emotions, model, c);
  }

  /** The complaint score, 0 when there is none. */
  public double complaintScore() {
    return complaint == null ? 0 : complaint.score();
  }

  public double emotion(String tag) {
    return emotions.getOrDefault(tag, 0.0);
  }
}
