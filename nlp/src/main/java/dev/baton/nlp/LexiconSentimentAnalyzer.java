package dev.baton.nlp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Word-list sentiment with negation: "not happy" counts as negative, "not bad" as mildly positive.
 * Includes service-failure words ("late", "never arrived", "still waiting") because complaints
 * state facts more than feelings. A baseline; the trained model replaces it.
 */
public final class LexiconSentimentAnalyzer implements SentimentAnalyzer {
  private static final Set<String> NEGATORS =
      Set.of("not", "no", "never", "don't", "dont", "didn't", "didnt", "isn't", "isnt", "wasn't",
          "can't", "cant", "won't", "hardly");
  private static final Map<String, Double> POLARITY = new HashMap<>();
  private static final Map<String, String> EMOTION = new HashMap<>();

  static {
    for (String w : List.of("good", "great", "thanks", "thank", "perfect", "happy", "love",
        "excellent", "brilliant", "helpful", "awesome", "glad", "pleased", "wonderful", "relieved")) {
      POLARITY.put(w, 1.0);
    }
    for (String w : List.of("bad", "terrible", "awful", "angry", "furious", "hate", "useless",
        "worst", "ridiculous", "unacceptable", "disappointed", "annoyed", "frustrated", "upset",
        "late", "delayed", "broken", "damaged", "lost", "missing", "wrong", "rude", "scam",
        "complaint", "sad", "waiting", "cancelled", "refund", "never", "disgusting", "joke")) {
      POLARITY.put(w, -1.0);
    }
    for (String w : List.of("angry", "furious", "ridiculous", "unacceptable", "hate", "useless",
        "worst", "disgusting", "scam", "annoyed", "frustrated", "joke")) {
      EMOTION.put(w, "anger");
    }
    for (String w : List.of("confused", "confusing", "understand", "unclear", "lost", "how")) {
      EMOTION.put(w, "confusion");
    }
    for (String w : List.of("sad", "disappointed", "upset", "unhappy")) {
      EMOTION.put(w, "sadness");
    }
    for (String w : List.of("relieved", "finally", "phew")) {
      EMOTION.put(w, "relief");
    }
    for (String w : List.of("thanks", "thank", "grateful", "appreciate", "cheers")) {
      EMOTION.put(w, "gratitude");
    }
  }

  @Override
  public SentimentScore analyze(String text) {
    List<String> tokens = TextNormalizer.tokens(text);
    double sum = 0;
    int hits = 0;
    Map<String, Double> emotions = new HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      Double p = POLARITY.get(t);
      boolean negated = negatedAt(tokens, i);
      if (p != null) {
        sum += negated ? -p * 0.8 : p;
        hits++;
      }
      String emotion = EMOTION.get(t);
      if (emotion != null && !(negated && !emotion.equals("confusion"))) {
        emotions.merge(emotion, 0.6, (a, b) -> Math.min(1.0, a + 0.25));
      }
    }
    if (text != null && text.chars().filter(c -> c == '!').count() >= 2 && sum < 0) {
      emotions.merge("anger", 0.5, (a, b) -> Math.min(1.0, a + 0.2));
    }
    double score = hits == 0 ? 0 : Math.tanh(sum / Math.sqrt(hits));
    String label = score <= -0.25 ? "negative" : score >= 0.25 ? "positive" : "neutral";
    return new SentimentScore(label, Math.round(score * 1000) / 1000.0, emotions);
  }

  private static boolean negatedAt(List<String> tokens, int i) {
    for (int j = Math.max(0, i - 3); j < i; j++) {
      if (NEGATORS.contains(tokens.get(j))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String modelName() {
    return "lexicon-1";
  }
}
