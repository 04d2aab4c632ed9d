package dev.baton.nlp.intent;

import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.features.Features;
import dev.baton.nlp.semantic.ExampleIndex;
import dev.baton.nlp.semantic.SemanticStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import opennlp.tools.doccat.DoccatFactory;
import opennlp.tools.doccat.DoccatModel;
import opennlp.tools.doccat.DocumentCategorizerME;
import opennlp.tools.doccat.DocumentSample;
import opennlp.tools.util.CollectionObjectStream;

/** Trains OpenNLP document categorizers on labelled text, with k-fold cross-validation. */
public final class Trainer {
  private Trainer() {}

  /** A held-out prediction: the true label and the model's probabilities over its labels. */
  public record HeldOut(String text, String truth, String[] labels, double[] probabilities) {}

  public static DoccatModel train(
      List<LabeledText> data, TrainConfig config, Function<String, String[]> tokenizer) {
    Features.allowLoading();
    List<DocumentSample> samples = new ArrayList<>(data.size());
    for (LabeledText t : data) {
      samples.add(new DocumentSample(t.label(), tokenizer.apply(t.text())));
    }
    try {
      return DocumentCategorizerME.train(
          "en",
          new CollectionObjectStream<>(samples),
          config.parameters(),
          new DoccatFactory(Features.parse(config.features())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Assigns each example to one of {@code k} folds, stratified by label, reproducibly. */
  public static int[] folds(List<LabeledText> data, int k, long seed) {
    Map<String, List<Integer>> byLabel = new LinkedHashMap<>();
    for (int i = 0; i < data.size(); i++) {
      byLabel.computeIfAbsent(data.get(i).label(), l -> new ArrayList<>()).add(i);
    }
    Random rnd = new Random(seed);
    int[] fold = new int[data.size()];
    int next = 0;
    for (List<Integer> idx : byLabel.values()) {
      Collections.shuffle(idx, rnd);
      for (int i : idx) {
        fold[i] = next;
        next = (next + 1) % k;
      }
    }
    return fold;
  }

  /**
   * k-fold cross-validation: trains k models, each on all folds but one, and returns the
   * predictions for every example from the model that did not see it.
   */
  public static List<HeldOut> crossValidate(
      List<LabeledText> data,
      TrainConfig config,
      Function<String, String[]> tokenizer,
      int k,
      Consumer<String> progress) {
    return crossValidate(data, config, tokenizer, k, k, progress);
  }

  /** As above, but only the first {@code maxFolds} folds are held out (a quicker estimate). */
  public static List<HeldOut> crossValidate(
      List<LabeledText> data,
      TrainConfig config,
      Function<String, String[]> tokenizer,
      int k,
      int maxFolds,
      Consumer<String> progress) {
    int[] fold = folds(data, k, 42);
    HeldOut[] out = new HeldOut[data.size()];
    for (int f = 0; f < Math.min(k, maxFolds); f++) {
      long start = System.nanoTime();
      List<LabeledText> train = new ArrayList<>();
      List<Integer> test = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        if (fold[i] == f) {
          test.add(i);
        } else {
          train.add(data.get(i));
        }
      }
      DoccatModel m = train(train, config, tokenizer);
      DocumentCategorizerME me = new DocumentCategorizerME(m);
      String[] labels = new String[me.getNumberOfCategories()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = me.getCategory(i);
      }
      int correct = 0;
      for (int i : test) {
        LabeledText t = data.get(i);
        double[] p = me.categorize(tokenizer.apply(t.text()));
        out[i] = new HeldOut(t.text(), t.label(), labels, p);
        if (labels[argmax(p)].equals(t.label())) {
          correct++;
        }
      }
      progress.accept(
          String.format(
              "fold %d/%d: trained on %d, accuracy %.2f%% on %d held out (%.0f s)",
              f + 1, k, train.size(), 100.0 * correct / test.size(), test.size(),
              (System.nanoTime() - start) / 1e9));
    }
    List<HeldOut> result = new ArrayList<>();
    for (HeldOut h : out) {
      if (h != null) {
        result.add(h);
      }
    }
    return result;
  }

  /**
   * Trains an intent model on all the data, with its confidence calibrated on k-fold held-out
   * predictions (k = 0 or 1: no calibration).
   */
  public static IntentModel trainIntentModel(
      List<LabeledText> data, TrainConfig config, int calibrationFolds, String name,
      Consumer<String> progress) {
    return trainCalibrated(data, config, calibrationFolds, name, progress).model();
  }

  /** A trained model and the held-out predictions its calibration was fitted on (empty: none). */
  public record Calibrated(IntentModel model, List<HeldOut> heldOut) {}

  /** As {@link #trainIntentModel}, keeping the held-out predictions (the semantic stage is calibrated on them too). */
  public static Calibrated trainCalibrated(
      List<LabeledText> data, TrainConfig config, int calibrationFolds, String name,
      Consumer<String> progress) {
    Calibration calibration = Calibration.identity();
    List<HeldOut> held = List.of();
    if (calibrationFolds > 1) {
      progress.accept("calibrating on " + calibrationFolds + "-fold held-out predictions");
      held = crossValidate(data, config, TextNormalizerTokens.INTENT, calibrationFolds, progress);
      calibration = calibrate(held);
    }
    long start = System.nanoTime();
    progress.accept("training " + config + " on " + data.size() + " examples");
    DoccatModel m = train(data, config, TextNormalizerTokens.INTENT);
    progress.accept(String.format("trained in %.0f s", (System.nanoTime() - start) / 1e9));
    return new Calibrated(new IntentModel(m).with(calibration, name), held);
  }

  /**
   * The nearest-examples vote for every example, from an index of the folds that do not hold it
   * (the same folds as {@link #crossValidate}), as held-out predictions over the index's labels.
   */
  public static List<HeldOut> semanticHeldOut(
      List<LabeledText> data, List<float[]> vectors, int k, int maxPerLabel) {
    int[] fold = folds(data, k, 42);
    HeldOut[] out = new HeldOut[data.size()];
    for (int f = 0; f < k; f++) {
      List<String> trainLabels = new ArrayList<>();
      List<float[]> trainVectors = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        if (fold[i] != f) {
          trainLabels.add(data.get(i).label());
          trainVectors.add(vectors.get(i));
        }
      }
      ExampleIndex index = ExampleIndex.build(trainLabels, trainVectors, maxPerLabel);
      String[] labels = index.labels();
      for (int i = 0; i < data.size(); i++) {
        if (fold[i] == f) {
          out[i] = new HeldOut(data.get(i).text(), data.get(i).label(), labels, index.vote(vectors.get(i)));
        }
      }
    }
    return List.of(out);
  }

  /** Held-out n-gram predictions blended with held-out votes for the same examples: {@code (1 - w) p + w vote}. */
  public static List<HeldOut> blend(List<HeldOut> ngram, List<HeldOut> votes, double w) {
    List<HeldOut> out = new ArrayList<>(ngram.size());
    for (int i = 0; i < ngram.size(); i++) {
      HeldOut h = ngram.get(i);
      HeldOut v = votes.get(i);
      out.add(new HeldOut(h.text(), h.truth(), h.labels(),
          SemanticStage.blend(h.probabilities(), h.labels(), v.probabilities(), v.labels(), w)));
    }
    return out;
  }

  /** Fits the calibration on held-out predictions: top in-scope probability vs. right or not. */
  public static Calibration calibrate(List<HeldOut> held) {
    double[] scores = new double[held.size()];
    boolean[] correct = new boolean[held.size()];
    for (int i = 0; i < held.size(); i++) {
      HeldOut h = held.get(i);
      int best = -1;
      for (int j = 0; j < h.probabilities().length; j++) {
        if (!h.labels()[j].equals(IntentModel.OOS)
            && (best < 0 || h.probabilities()[j] > h.probabilities()[best])) {
          best = j;
        }
      }
      scores[i] = best < 0 ? 0 : h.probabilities()[best];
      correct[i] = best >= 0 && h.labels()[best].equals(h.truth());
    }
    return Calibration.fit(scores, correct);
  }

  public static int argmax(double[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Counts examples per label. */
  public static Map<String, Integer> counts(List<LabeledText> data) {
    Map<String, Integer> c = new HashMap<>();
    data.forEach(t -> c.merge(t.label(), 1, Integer::sum));
    return c;
  }
}
