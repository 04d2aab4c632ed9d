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
 */
public record Sentiment(String label, double score, Map<String, Double> emotions, String model) {
  public static final String NEGATIVE = "negative";
  public static final String NEUTRAL = "neutral";
  public static final String POSITIVE = "positive";

  public Sentiment {
    emotions = emotions == null ? Map.of() : Map.copyOf(emotions);
  }

  public double emotion(String tag) {
    return emotions.getOrDefault(tag, 0.0);
  }
}
