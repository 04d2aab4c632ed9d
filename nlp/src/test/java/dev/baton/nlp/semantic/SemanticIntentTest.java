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
    for (Map.Entry<String, String> e : PARAPHRASES.entrySet()) {
      assertEquals(e.getValue(), semantic.predict(e.getKey()).label(), e.getKey());
      if (IntentModels.defaultModel().predict(e.getKey()).label().equals(e.getValue())) {
        ngramRight++;
      }
    }
    assertTrue(ngramRight <= 1, "the n-gram model alone gets " + ngramRight + " of " + PARAPHRASES.size());
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

  /** Customer wording that shares few words with the Bitext templates. */
  static final Map<String, String> PARAPHRASES = Map.of(
      "my stuff hasn't shown up yet", "delivery_period",
      "I would like my cash back", "get_refund",
      "when is my stuff turning up", "delivery_period");
}
