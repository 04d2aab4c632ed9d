package dev.baton.nlp.sentiment;

import dev.baton.nlp.data.Csv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sentiment training or evaluation example: a text, its sentiment (negative, neutral, positive)
 * and its emotion tags (anger, confusion, sadness, relief, gratitude).
 *
 * <p>Read from GoEmotions CSVs (columns {@code text,label,ekman,sentiment}: GoEmotions labels
 * are mapped by {@link #fromGoEmotions}) or from Baton's customer-service CSVs (columns
 * {@code text,sentiment,emotions} with emotions {@code |}-joined).
 */
public record SentimentExample(String text, String sentiment, Set<String> emotions) {
  public static final List<String> SENTIMENTS = List.of("negative", "neutral", "positive");
  public static final List<String> TAGS = List.of("anger", "confusion", "sadness", "relief", "gratitude");

  /**
   * GoEmotions emotion to Baton tag: anger = anger + annoyance; sadness = sadness + disappointment
   * + grief; confusion, relief, gratitude as they are.
   */
  static final Map<String, String> GOEMOTIONS_TAG =
      Map.of("anger", "anger", "annoyance", "anger", "confusion", "confusion", "sadness", "sadness",
          "disappointment", "sadness", "grief", "sadness", "relief", "relief", "gratitude", "gratitude");

  /**
   * Sentiment from GoEmotions' own mapping (the {@code sentiment} column, from
   * sentiment_dict.json): negative if some label is negative and none positive, positive if the
   * reverse, otherwise (neutral, ambiguous, or mixed) neutral.
   */
  static String sentimentOf(String goSentiments) {
    Set<String> s = Set.of(goSentiments.split("\\|"));
    boolean neg = s.contains("negative");
    boolean pos = s.contains("positive");
    return neg && !pos ? "negative" : pos && !neg ? "positive" : "neutral";
  }

  public static SentimentExample fromGoEmotions(Map<String, String> row) {
    Set<String> tags = new LinkedHashSet<>();
    for (String e : row.get("label").split("\\|")) {
      String t = GOEMOTIONS_TAG.get(e);
      if (t != null) {
        tags.add(t);
      }
    }
    return new SentimentExample(row.get("text"), sentimentOf(row.get("sentiment")), tags);
  }

  public static List<SentimentExample> read(Path file) {
    List<SentimentExample> out = new ArrayList<>();
    for (Map<String, String> row : Csv.read(file)) {
      if (row.get("text") == null || row.get("text").isBlank()) {
        continue;
      }
      if (row.containsKey("ekman")) {
        out.add(fromGoEmotions(row));
      } else {
        Set<String> tags = new LinkedHashSet<>();
        for (String e : row.getOrDefault("emotions", "").split("\\|")) {
          if (!e.isBlank()) {
            tags.add(e.trim());
          }
        }
        out.add(new SentimentExample(row.get("text"), row.get("sentiment").trim(), tags));
      }
    }
    return out;
  }
}
