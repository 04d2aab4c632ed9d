package dev.baton.nlp.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.nlp.IntentClassifier;
import dev.baton.nlp.IntentModels;
import dev.baton.nlp.IntentModelsTest;
import dev.baton.nlp.IntentScore;
import dev.baton.nlp.intent.IntentModel;
import dev.baton.nlp.intent.IntentModel.Prediction;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped default model with its semantic stage (the real encoder and index), on hand-picked messages. */
class SemanticIntentTest {
  static IntentModel semantic;

  @BeforeAll
  static void load() {
    semantic = IntentModels.defaultModel(SentenceEncoders.BGE_SMALL);
  }

  @Test
  void theStageIsAttachedAndNamed() {
    assertTrue(semantic.semantic() != null);
    assertEquals(IntentModels.defaultModel().name() + "+" + SentenceEncoders.BGE_SMALL, semantic.name());
    assertTrue(semantic.semantic().index().size() > 1000, "index of " + semantic.semantic().index().size());
    assertEquals(IntentModels.defaultModel(), IntentModels.defaultModel(SentenceEncoders.NONE));
  }

  @Test
  void askingForAPersonIsRecognisedWithHighConfidence() {
    for (String text : IntentModelsTest.ASKING_FOR_A_PERSON) {
      Prediction p = semantic.predict(text);
      assertEquals("contact_human_agent", p.label(), text);
      assertTrue(p.confidence() > 0.8, text + ": confidence " + p.confidence());
    }
  }

  @Test
  void outOfScopeTextHasLowConfidence() {
    for (String text : IntentModelsTest.OUT_OF_SCOPE) {
      Prediction p = semantic.predict(text);
      assertTrue(p.confidence() < 0.3, text + " -> " + p);
    }
  }

  @Test
  void paraphrasesInOtherWordsAreRecognisedWhereTheNgramModelFails() {
    int ngramRight = 0;
    int blendRight = 0;
    SemanticStage stage = semantic.semantic();
    String[] voteLabels = stage.index().labels();
    for (Map.Entry<String, Set<String>> e : PARAPHRASES.entrySet()) {
      double[] vote = stage.index().vote(stage.encoder().encode(e.getKey()));
      int top = 0;
      for (int i = 1; i < vote.length; i++) {
        top = vote[i] > vote[top] ? i : top;
      }
      assertTrue(e.getValue().contains(voteLabels[top]), "the nearest examples' vote for " + e.getKey() + ": " + voteLabels[top]);
      blendRight += e.getValue().contains(semantic.predict(e.getKey()).label()) ? 1 : 0;
      ngramRight += e.getValue().contains(IntentModels.defaultModel().predict(e.getKey()).label()) ? 1 : 0;
    }
    assertTrue(ngramRight <= 1, "the n-gram model alone gets " + ngramRight + " of " + PARAPHRASES.size());
    // Known limit (nlp/README.md): an n-gram "out of scope" at 0.99 still outweighs a clear vote
    // at weight 0.5 ("when is my stuff turning up").
    assertTrue(blendRight >= 2, "the blend gets " + blendRight + " of " + PARAPHRASES.size());
  }

  @Test
  void aTenantClassifierOnTheSemanticModelKeepsItsOwnIntents() {
    IntentClassifier dental = IntentModels.forTenant("demo-dental",
        Map.of("opening_hours", List.of("what are your opening hours", "when are you open")), semantic);
    assertEquals("cancel_appointment", dental.classify("I have to cancel my appointment on Thursday").label());
    IntentScore person = dental.classify("can I talk to a real person");
    assertEquals("contact_human_agent", person.label());
    assertTrue(dental.modelName().contains(SentenceEncoders.BGE_SMALL), dental.modelName());
  }

  @Test
  void anUnknownEncoderIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IntentModels.defaultModel("word2vec"));
    assertTrue(e.getMessage().contains(SentenceEncoders.BGE_SMALL), e.getMessage());
  }

  /** Customer wording that shares few words with the Bitext templates, and the intents that read it right. */
  static final Map<String, Set<String>> PARAPHRASES = Map.of(
      "my stuff hasn't shown up yet", Set.of("track_order", "delivery_period"),
      "I would like my cash back", Set.of("get_refund"),
      "when is my stuff turning up", Set.of("delivery_period", "track_order"));
}
