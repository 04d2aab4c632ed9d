package dev.baton.nlp.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.nlp.TextNormalizer;
import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.intent.TextNormalizerTokens;
import dev.baton.nlp.intent.TrainConfig;
import dev.baton.nlp.intent.Trainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import opennlp.tools.doccat.DoccatModel;
import opennlp.tools.doccat.DocumentCategorizerME;
import org.junit.jupiter.api.Test;

class FeatureGeneratorsTest {
  private static final List<LabeledText> TINY =
      List.of(
          new LabeledText("I want a refund for my order", "refund"),
          new LabeledText("give me my money back", "refund"),
          new LabeledText("refunds please, it was broken", "refund"),
          new LabeledText("where is my parcel", "track"),
          new LabeledText("track order ORD-12345", "track"),
          new LabeledText("has my package shipped yet?", "track"),
          new LabeledText("I'm not happy at all, terrible service", "angry"),
          new LabeledText("this is ridiculous, still no reply!!", "angry"));

  @Test
  void wordFeaturesHaveUnigramsBigramsAndBoundaries() {
    Collection<String> f = new WordNgramFeatures().extractFeatures(new String[] {"track", "order"}, Map.of());
    assertTrue(f.containsAll(List.of("w=track", "w=order", "b=^_track", "b=track_order", "b=order_$")), f.toString());
  }

  @Test
  void charFeaturesAreInWordOnlyAndSkipClassTokens() {
    Collection<String> f = new CharNgramFeatures().extractFeatures(new String[] {"refund", "#num"}, Map.of());
    assertTrue(f.containsAll(List.of("c=<re", "c=fund>", "c=efund")), f.toString());
    assertFalse(f.stream().anyMatch(x -> x.contains("#") || x.contains(" ")), f.toString());
  }

  @Test
  void negationMarksTheWordsInItsScope() {
    Collection<String> f = new NegationFeatures()
        .extractFeatures(TextNormalizer.sentimentTokens("I'm not happy at all! but thanks"), Map.of());
    assertTrue(f.contains("n=happy"), f.toString());
    assertFalse(f.contains("n=thanks"), f.toString());
  }

  @Test
  void stemsJoinInflections() {
    Collection<String> a = new StemFeatures().extractFeatures(new String[] {"refunded"}, Map.of());
    Collection<String> b = new StemFeatures().extractFeatures(new String[] {"refunding"}, Map.of());
    assertEquals(a.iterator().next(), b.iterator().next());
  }

  @Test
  void savedAndReloadedModelWithEveryCustomGeneratorPredictsIdentically() throws Exception {
    TrainConfig c = TrainConfig.intentDefault().withFeatures("words,chars,stems,trigrams,negation,lexicon")
        .withIterations(30).withThreads(1);
    DoccatModel model = Trainer.train(TINY, c, TextNormalizerTokens.INTENT);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    model.serialize(bytes);
    Features.allowLoading();
    DoccatModel reloaded = new DoccatModel(new ByteArrayInputStream(bytes.toByteArray()));
    DocumentCategorizerME before = new DocumentCategorizerME(model);
    DocumentCategorizerME after = new DocumentCategorizerME(reloaded);
    assertEquals(before.getNumberOfCategories(), after.getNumberOfCategories());
    for (String text : List.of("I want my money back", "where's my parcel?", "not happy, no reply!!",
        "refundd plz", "completely unrelated words")) {
      String[] tokens = TextNormalizer.intentTokens(text);
      assertArrayEquals(before.categorize(tokens), after.categorize(tokens), 0.0, text);
      assertEquals(before.getBestCategory(before.categorize(tokens)), after.getBestCategory(after.categorize(tokens)));
    }
    assertEquals("refund", after.getBestCategory(after.categorize(TextNormalizer.intentTokens("money back please"))));
  }
}
