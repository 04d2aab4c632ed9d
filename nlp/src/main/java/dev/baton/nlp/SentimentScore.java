package dev.baton.nlp;

import java.util.Map;

/**
 * Sentiment of a message.
 *
 * @param label negative, neutral or positive
 * @param score from -1 (most negative) to +1 (most positive)
 * @param emotions emotion tag (anger, confusion, sadness, relief, gratitude) to a score in [0, 1]
 */
public record SentimentScore(String label, double score, Map<String, Double> emotions) {
  public SentimentScore {
    emotions = Map.copyOf(emotions);
  }
}
