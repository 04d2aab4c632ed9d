package dev.baton.nlp.intent;

import dev.baton.nlp.IntentClassifier;
import dev.baton.nlp.IntentScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Classifies a message by its request when a story surrounds it. Customers write "I placed it
 * last Monday and haven't heard anything. Where is my order?": the whole message reads as out of
 * scope or unsure, while one of its sentences or clauses is a clear request. When the whole
 * message is out of scope or below {@link #UNSURE_BELOW}, each clause is classified too and the
 * most confident in-scope one wins if it beats the whole. Where some clauses ask (a question, "can
 * you", "I'd like", "please") only those compete, so the story ("I'm moving house next month")
 * cannot outvote the request ("how many days does delivery take?"). Greetings, thanks and goodbyes never win
 * from a clause ("hi there, ..." is not a greeting when a request follows). A message that is
 * clear as a whole costs nothing more; clauses are read by the n-gram models only (the whole
 * message had the sentence encoder), so a story costs a tenth of a millisecond per clause, not
 * an encoder pass.
 */
public final class ClauseScoringClassifier implements IntentClassifier {
  /** Below this confidence the whole message is not trusted over its clauses. */
  static final double UNSURE_BELOW = 0.5;
  /** Clauses of fewer words carry no request of their own ("so", "thanks"). */
  static final int MIN_CLAUSE_WORDS = 2;
  static final int MAX_CLAUSES = 6;
  /** Intents that only count for the whole message. */
  static final Set<String> WHOLE_MESSAGE_ONLY = Set.of("greeting", "thanks", "goodbye", IntentModel.OOS);

  /** Sentence ends, and the joints where customers attach a request to its story. */
  private static final Pattern SENTENCES = Pattern.compile("(?<=[.!?;:])\\s+|\\s*\\n+\\s*|\\s+-\\s+");
  private static final Pattern CLAUSES = Pattern.compile(
      "(?i),?\\s+(?:but|so|because|although|though|and then|however)\\s+|,\\s+(?=(?:can|could|would|will|when|where|why|how|what|is|are|do|does|did|please|i)\\b)");

  private static final Pattern ASKS = Pattern.compile(
      "(?is).*\\?\\s*$|(?:hi|hello|hey|so|and|ok|okay|also)?[ ,]*(?:can|could|would|will|when|where|why|how|what|who|which|is|are|do|does|did|has|have"
          + "|please|pls|i want|i wanna|i'd like|i would like|i need|i wish|let me|tell me|help|i'm looking|im looking)\\b.*");

  private final IntentClassifier whole;

  public ClauseScoringClassifier(IntentClassifier whole) {
    this.whole = whole;
  }

  @Override
  public IntentScore classify(String text) {
    return classify(text, true);
  }

  @Override
  public IntentScore classifyWithoutEncoder(String text) {
    return classify(text, false);
  }

  private IntentScore classify(String text, boolean encoder) {
    IntentScore best = encoder ? whole.classify(text) : whole.classifyWithoutEncoder(text);
    if (text == null || (!best.label().equals(IntentModel.OOS) && best.confidence() >= UNSURE_BELOW)) {
      return best;
    }
    List<String> clauses = clauses(text);
    if (clauses.size() < 2) {
      return best;
    }
    List<String> asking = clauses.stream().filter(c -> ASKS.matcher(c).matches()).toList();
    IntentScore fromClause = null;
    for (String clause : asking.isEmpty() ? clauses : asking) {
      // The whole message had the encoder; its clauses get the n-gram models, at a tenth of a millisecond each.
      IntentScore c = whole.classifyWithoutEncoder(clause);
      if (!WHOLE_MESSAGE_ONLY.contains(c.label()) && (fromClause == null || c.confidence() > fromClause.confidence())) {
        fromClause = c;
      }
    }
    boolean wholeIsOos = best.label().equals(IntentModel.OOS);
    if (fromClause != null && (fromClause.confidence() > best.confidence() || wholeIsOos && fromClause.confidence() >= UNSURE_BELOW)) {
      return fromClause;
    }
    return best;
  }

  /** The message's sentences and clauses of at least {@link #MIN_CLAUSE_WORDS} words, at most {@link #MAX_CLAUSES}. */
  static List<String> clauses(String text) {
    List<String> out = new ArrayList<>();
    for (String sentence : SENTENCES.split(text.strip())) {
      for (String clause : CLAUSES.split(sentence)) {
        String c = clause.strip();
        if (c.split("\\s+").length >= MIN_CLAUSE_WORDS && out.size() < MAX_CLAUSES) {
          out.add(c);
        }
      }
    }
    return out;
  }

  /** The classifier of whole messages (and of each clause). */
  public IntentClassifier whole() {
    return whole;
  }

  @Override
  public String modelName() {
    return whole.modelName();
  }
}
