package dev.baton.nlp.sentiment;

import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.features.Features;
import dev.baton.nlp.intent.TextNormalizerTokens;
import dev.baton.nlp.intent.TrainConfig;
import dev.baton.nlp.intent.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import opennlp.tools.doccat.DoccatModel;
import opennlp.tools.doccat.DocumentCategorizerME;

/**
 * Trains the shipped sentiment and emotion models:
 *
 * <ul>
 *   <li>GoEmotions train split, mapped by {@link SentimentExample#fromGoEmotions};
 *   <li>{@code baton/customer-service-sentiment.csv}: customer-service messages written for Baton
 *       (complaints that state facts, negation, sarcasm, thanks, relief, confusion), repeated
 *       {@value #CS_REPEAT} times so that a few hundred examples count against 43,000 comments;
 *   <li>Bitext: the {@code complaint} utterances as negative, and a sample of the other
 *       intents' requests as neutral ({@value #BITEXT_NEUTRAL}).
 * </ul>
 *
 * <p>The emotion model is one multi-class model over the tags and {@code none} (a message with
 * two tags counts once for each); each tag's decision threshold is chosen on GoEmotions dev to
 * maximise that tag's F1 and stored in the model.
 */
public final class SentimentTraining {
  static final int CS_REPEAT = 3;
  static final int BITEXT_NEUTRAL = 4000;

  private SentimentTraining() {}

  public static TrainConfig sentimentConfig() {
    return new TrainConfig("MAXENT_QN", Features.SENTIMENT_DEFAULT, 150, 2, 1.0, 0, 2);
  }

  public static List<SentimentExample> trainingSet(Path data, Consumer<String> progress) {
    List<SentimentExample> all = new ArrayList<>(SentimentExample.read(data.resolve("goemotions/train.csv")));
    progress.accept("GoEmotions train: " + all.size());
    List<SentimentExample> cs = SentimentExample.read(data.resolve("baton/customer-service-sentiment.csv"));
    for (int r = 0; r < CS_REPEAT; r++) {
      all.addAll(cs);
    }
    progress.accept("customer-service examples: " + cs.size() + " x" + CS_REPEAT);
    List<LabeledText> bitext = LabeledText.readCsv(data.resolve("bitext_customer_support/train.csv"), "label");
    List<SentimentExample> neutral = new ArrayList<>();
    int complaints = 0;
    for (LabeledText t : bitext) {
      if (t.label().equals("complaint")) {
        all.add(new SentimentExample(t.text(), "negative", java.util.Set.of()));
        complaints++;
      } else {
        neutral.add(new SentimentExample(t.text(), "neutral", java.util.Set.of()));
      }
    }
    Collections.shuffle(neutral, new Random(5));
    all.addAll(neutral.subList(0, Math.min(BITEXT_NEUTRAL, neutral.size())));
    progress.accept("Bitext: " + complaints + " complaints as negative, " + BITEXT_NEUTRAL + " requests as neutral");
    return all;
  }

  public static void buildAll(Path data, Path out, Map<String, String> opt, Consumer<String> progress) {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<SentimentExample> train = opt.containsKey("goemotions-only")
        ? SentimentExample.read(data.resolve("goemotions/train.csv"))
        : trainingSet(data, progress);
    TrainConfig c = sentimentConfig();
    if (opt.containsKey("sentiment-l2")) {
      c = c.withL2(Double.parseDouble(opt.get("sentiment-l2")));
    }
    String name = opt.getOrDefault("sentiment-name", "sentiment-1");

    long t0 = System.nanoTime();
    progress.accept("training sentiment model " + c);
    List<LabeledText> s = new ArrayList<>();
    train.forEach(x -> s.add(new LabeledText(x.text(), x.sentiment())));
    DoccatModel sm = Trainer.train(s, c, TextNormalizerTokens.SENTIMENT);
    sm = withManifest(sm, Map.of(TrainedSentimentAnalyzer.NAME_PROPERTY, name));
    save(sm, out.resolve("sentiment.bin"));
    progress.accept(String.format("sentiment model trained in %.0f s", (System.nanoTime() - t0) / 1e9));

    t0 = System.nanoTime();
    progress.accept("training emotion model " + c);
    List<LabeledText> e = new ArrayList<>();
    for (SentimentExample x : train) {
      if (x.emotions().isEmpty()) {
        e.add(new LabeledText(x.text(), TrainedSentimentAnalyzer.NONE));
      }
      for (String tag : x.emotions()) {
        e.add(new LabeledText(x.text(), tag));
      }
    }
    DoccatModel em = Trainer.train(e, c, TextNormalizerTokens.SENTIMENT);
    progress.accept(String.format("emotion model trained in %.0f s", (System.nanoTime() - t0) / 1e9));
    Map<String, Double> thresholds = pickThresholds(em, SentimentExample.read(data.resolve("goemotions/dev.csv")), progress);
    em = withManifest(em, Map.of(TrainedSentimentAnalyzer.NAME_PROPERTY, name,
        TrainedSentimentAnalyzer.THRESHOLDS_PROPERTY, TrainedSentimentAnalyzer.formatThresholds(thresholds)));
    save(em, out.resolve("emotion.bin"));
    progress.accept("wrote " + out);
  }

  /** For each tag, the probability threshold with the best F1 on the dev examples. */
  static Map<String, Double> pickThresholds(DoccatModel em, List<SentimentExample> dev, Consumer<String> progress) {
    DocumentCategorizerME me = new DocumentCategorizerME(em);
    List<double[]> probs = new ArrayList<>();
    for (SentimentExample x : dev) {
      probs.add(me.categorize(TextNormalizerTokens.SENTIMENT.apply(x.text())));
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (String tag : SentimentExample.TAGS) {
      int idx = me.getIndex(tag);
      if (idx < 0) {
        continue;
      }
      double bestF = -1;
      double bestT = 0.5;
      for (double t = 0.02; t < 0.9; t += 0.01) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < dev.size(); i++) {
          boolean yes = probs.get(i)[idx] >= t;
          boolean truth = dev.get(i).emotions().contains(tag);
          if (yes && truth) {
            tp++;
          } else if (yes) {
            fp++;
          } else if (truth) {
            fn++;
          }
        }
        double f = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        if (f > bestF) {
          bestF = f;
          bestT = t;
        }
      }
      out.put(tag, bestT);
      progress.accept(String.format("%s: threshold %.2f (dev F1 %.3f)", tag, bestT, bestF));
    }
    return out;
  }

  static DoccatModel withManifest(DoccatModel m, Map<String, String> entries) {
    return new DoccatModel(m.getLanguage(), m.getMaxentModel(), new HashMap<>(entries), m.getFactory());
  }

  static void save(DoccatModel m, Path file) {
    try (var o = Files.newOutputStream(file)) {
      m.serialize(o);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
