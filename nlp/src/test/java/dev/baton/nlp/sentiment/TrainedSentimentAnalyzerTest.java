package dev.baton.nlp.sentiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.nlp.SentimentModels;
import dev.baton.nlp.SentimentScore;
import dev.baton.nlp.TextNormalizer;
import dev.baton.nlp.sentiment.ServiceLexicon.Cue;
import java.util.List;
import opennlp.tools.doccat.DoccatModel;
import opennlp.tools.doccat.DocumentCategorizerME;
import org.junit.jupiter.api.Test;

class TrainedSentimentAnalyzerTest {
  @Test
  void sharedFeatureComputationMatchesOpenNlpsCategorizer() {
    DoccatModel s = TrainedSentimentAnalyzer.resource(SentimentModels.MODEL_DIR + "/sentiment.bin");
    DoccatModel e = TrainedSentimentAnalyzer.resource(SentimentModels.MODEL_DIR + "/emotion.bin");
    TrainedSentimentAnalyzer noRules = new TrainedSentimentAnalyzer(s, e, false);
    DocumentCategorizerME plain = new DocumentCategorizerME(s);
    for (String text : List.of("my parcel STILL hasn't arrived!!", "thanks so much", "what are your hours?",
        "not happy at all, third time")) {
      double[] p = plain.categorize(TextNormalizer.sentimentTokens(text));
      double expected = p[plain.getIndex("positive")] - p[plain.getIndex("negative")];
      SentimentScore got = noRules.analyze(text);
      assertEquals(Math.round(expected * 1000) / 1000.0, got.score(), 1e-9, text);
      assertEquals(plain.getBestCategory(p), got.label(), text);
    }
    SentimentScore empty = noRules.analyze("");
    assertEquals("neutral", empty.label());
    assertEquals(0.0, empty.score(), 1e-9);
  }

  @Test
  void lexiconFindsTheCustomerServiceCues() {
    assertTrue(cues("my parcel still hasn't arrived").contains(Cue.FAILURE));
    assertTrue(cues("I've been waiting 2 weeks").contains(Cue.WAITING));
    assertTrue(cues("thanks for nothing").contains(Cue.SARCASM));
    assertTrue(cues("oh great, it's delayed again").contains(Cue.SARCASM));
    assertTrue(!cues("oh great, thank you").contains(Cue.SARCASM), "praise alone is not sarcasm");
    assertTrue(cues("I'm not happy at all").contains(Cue.NEGATED_POSITIVE));
    assertTrue(cues("no complaints, great service").contains(Cue.NEGATED_NEGATIVE));
    assertTrue(cues("phew, it finally arrived").contains(Cue.RELIEF));
    assertTrue(cues("I don't understand this charge").contains(Cue.CONFUSION));
    assertTrue(!cues("where is my order ORD-12345?").contains(Cue.FAILURE), "a plain question");
  }

  private static java.util.Set<Cue> cues(String text) {
    return ServiceLexicon.cues(TextNormalizer.sentimentTokens(text));
  }
}
