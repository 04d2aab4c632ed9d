package dev.baton.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.intent.IntentModel;
import dev.baton.nlp.intent.TextNormalizerTokens;
import dev.baton.nlp.intent.TrainConfig;
import dev.baton.nlp.intent.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackAndReloadTest {
  private static final TrainConfig SMALL = TrainConfig.intentDefault().withIterations(30).withThreads(1).withCutoff(1);

  @Test
  void feedbackIsAppendedAsTrainingExamples(@TempDir Path dir) throws Exception {
    FeedbackStore store = new FeedbackStore(dir.resolve("feedback/intents.csv"));
    store.append("demo-dental", "can I come in at 4, \"if\" possible", "reschedule_appointment");
    store.append("demo-parcels", "box was soaked", "damage_report");
    List<LabeledText> examples = store.examples();
    assertEquals(List.of(new LabeledText("can I come in at 4, \"if\" possible", "reschedule_appointment"),
        new LabeledText("box was soaked", "damage_report")), examples);
    List<String> lines = Files.readAllLines(store.file());
    assertTrue(lines.get(0).startsWith("text,intent,tenant,recorded_at"), lines.get(0));
    assertEquals(3, lines.size());
  }

  @Test
  void aRetrainedModelFileIsPickedUpWithoutARestart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("intent.bin");
    model(List.of(new LabeledText("where is my parcel", "track"), new LabeledText("track my order", "track"),
        new LabeledText("refund please", "refund"), new LabeledText("money back", "refund")))
        .save(file);
    ReloadableIntentClassifier c = ReloadableIntentClassifier.watching(file, m -> new ModelClassifier(m));
    assertEquals("track", c.classify("where is my parcel").label());
    assertFalse(c.reloadIfChanged(), "nothing changed yet");

    // The retrain command writes a model that knows one more intent (learnt from feedback).
    model(List.of(new LabeledText("where is my parcel", "track"), new LabeledText("track my order", "track"),
        new LabeledText("refund please", "refund"), new LabeledText("money back", "refund"),
        new LabeledText("my parcel is soaked and broken", "damage_report"),
        new LabeledText("the box arrived damaged", "damage_report"))).save(file);
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertTrue(c.reloadIfChanged());
    assertEquals("damage_report", c.classify("the box arrived damaged").label());
  }

  @Test
  void swapReplacesTheClassifier() {
    ReloadableIntentClassifier c = new ReloadableIntentClassifier(fixed("a"));
    assertEquals("a", c.classify("x").label());
    c.swap(fixed("b"));
    assertEquals("b", c.classify("x").label());
    assertEquals("fixed-b", c.modelName());
  }

  private static IntentModel model(List<LabeledText> data) {
    return new IntentModel(Trainer.train(data, SMALL, TextNormalizerTokens.INTENT));
  }

  private static IntentClassifier fixed(String label) {
    return new IntentClassifier() {
      @Override
      public IntentScore classify(String text) {
        return new IntentScore(label, 1);
      }

      @Override
      public String modelName() {
        return "fixed-" + label;
      }
    };
  }

  record ModelClassifier(IntentModel m) implements IntentClassifier {
    @Override
    public IntentScore classify(String text) {
      var p = m.predict(text);
      return new IntentScore(p.label(), p.confidence());
    }

    @Override
    public String modelName() {
      return m.name();
    }
  }
}
