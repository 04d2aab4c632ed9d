package dev.baton.nlp.sentiment;

import dev.baton.nlp.SentimentAnalyzer;
import dev.baton.nlp.SentimentScore;
import dev.baton.nlp.TextNormalizer;
import dev.baton.nlp.features.Features;
import dev.baton.nlp.features.LexiconFeatures;
import dev.baton.nlp.sentiment.ServiceLexicon.Cue;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import opennlp.tools.doccat.DoccatModel;
import opennlp.tools.doccat.DocumentCategorizerME;
import opennlp.tools.doccat.FeatureGenerator;
import opennlp.tools.ml.model.MaxentModel;

/**
 * Sentiment and emotions from two trained models (GoEmotions + customer-service examples), then a
 * few documented rules for what the models get wrong on customer-service text:
 *
 * <ol>
 *   <li><b>Sarcasm</b> ({@link Cue#SARCASM}: "thanks for nothing", "oh great" next to a failure,
 *       or praise words in a message the model reads as positive but that states a service
 *       failure): 90% of the positive probability moves to negative; gratitude and relief are
 *       capped at 0.1.
 *   <li><b>Negated praise</b> ("not happy at all", "far from helpful"): most of the positive
 *       probability moves to negative. A <b>negated complaint</b> ("not bad", "no issues at all",
 *       "can't fault it") without a failure moves most of the negative probability to positive.
 *   <li><b>Service failure stated as fact</b> ({@link Cue#FAILURE}: "my parcel never arrived",
 *       "still no refund"): half the neutral probability moves to negative, and, unless the
 *       message also thanks or shows relief, 60% of the positive probability too.
 *   <li><b>Relief</b> ({@link Cue#RELIEF}: "phew", "what a relief", "finally arrived"), not
 *       sarcastic: 60% of the negative probability moves to positive (relief mentions the
 *       failure that is over), and relief is at least 0.55.
 *   <li><b>Confusion</b> ({@link Cue#CONFUSION}: "I don't understand", "makes no sense"):
 *       confusion is at least 0.55.
 *   <li><b>Anger</b>: in a negative message, a service failure raises anger to at least 0.55
 *       (customers reporting failures are annoyed, GoEmotions' annoyance counts as anger); anger
 *       words ({@link Cue#ANGER}), shouting (two words in capitals, "!!") or a failure with waiting or
 *       repetition raise it to at least 0.7.
 * </ol>
 *
 * <p>Emotion scores are the model's probability, rescaled per tag so that the threshold that
 * maximised F1 on GoEmotions' dev split maps to 0.5: "score ≥ 0.5" means "the tag applies".
 */
public final class TrainedSentimentAnalyzer implements SentimentAnalyzer {
  static final String THRESHOLDS_PROPERTY = "baton.thresholds";
  static final String NAME_PROPERTY = "baton.name";
  static final String NONE = "none";

  private final DocumentCategorizerME sentiment;
  private final DocumentCategorizerME emotion;
  private final MaxentModel sentimentWeights;
  private final MaxentModel emotionWeights;
  /** The models' feature generators when both use the same ones: features computed once. */
  private final FeatureGenerator[] sharedGenerators;
  private final int neg;
  private final int neu;
  private final int pos;
  private final Map<String, Integer> tagIndex = new LinkedHashMap<>();
  private final Map<String, Double> exponent = new HashMap<>();
  private final String name;
  private final boolean rules;

  public TrainedSentimentAnalyzer(DoccatModel sentimentModel, DoccatModel emotionModel, boolean rules) {
    this.sentiment = new DocumentCategorizerME(sentimentModel);
    this.emotion = new DocumentCategorizerME(emotionModel);
    this.sentimentWeights = sentimentModel.getMaxentModel();
    this.emotionWeights = emotionModel.getMaxentModel();
    FeatureGenerator[] a = sentimentModel.getFactory().getFeatureGenerators();
    FeatureGenerator[] b = emotionModel.getFactory().getFeatureGenerators();
    this.sharedGenerators = Arrays.equals(names(a), names(b)) ? a : null;
    this.neg = sentiment.getIndex("negative");
    this.neu = sentiment.getIndex("neutral");
    this.pos = sentiment.getIndex("positive");
    Map<String, Double> thresholds = parseThresholds(emotionModel.getManifestProperty(THRESHOLDS_PROPERTY));
    for (int i = 0; i < emotion.getNumberOfCategories(); i++) {
      String tag = emotion.getCategory(i);
      if (!tag.equals(NONE)) {
        tagIndex.put(tag, i);
        double t = Math.min(0.95, Math.max(0.01, thresholds.getOrDefault(tag, 0.5)));
        exponent.put(tag, Math.log(0.5) / Math.log(t));
      }
    }
    String n = sentimentModel.getManifestProperty(NAME_PROPERTY);
    this.name = (n == null ? "sentiment" : n) + (rules ? "" : "-norules");
    this.rules = rules;
  }

  public static TrainedSentimentAnalyzer loadResources(String dir) {
    return new TrainedSentimentAnalyzer(resource(dir + "/sentiment.bin"), resource(dir + "/emotion.bin"), true);
  }

  public static TrainedSentimentAnalyzer load(Path dir, boolean rules) {
    return new TrainedSentimentAnalyzer(file(dir.resolve("sentiment.bin")), file(dir.resolve("emotion.bin")), rules);
  }

  private static String[] names(FeatureGenerator[] g) {
    return Arrays.stream(g).map(x -> x.getClass().getName()).toArray(String[]::new);
  }

  /** The same features OpenNLP's categorizer computes, once for both models. */
  private String[] context(String[] tokens, Map<String, Object> extra) {
    List<String> ctx = new ArrayList<>();
    for (FeatureGenerator g : sharedGenerators) {
      ctx.addAll(g.extractFeatures(tokens, extra));
    }
    return ctx.toArray(String[]::new);
  }

  static DoccatModel resource(String name) {
    InputStream in = TrainedSentimentAnalyzer.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("model resource not found: " + name);
    }
    return read(in);
  }

  static DoccatModel file(Path p) {
    try {
      return read(Files.newInputStream(p));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  private static DoccatModel read(InputStream in) {
    Features.allowLoading();
    try (InputStream b = new BufferedInputStream(in)) {
      return new DoccatModel(b);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load sentiment model", e);
    }
  }

  static Map<String, Double> parseThresholds(String s) {
    Map<String, Double> m = new HashMap<>();
    if (s != null) {
      for (String part : s.trim().split("\\s+")) {
        String[] kv = part.split(":");
        if (kv.length == 2) {
          m.put(kv[0], Double.parseDouble(kv[1]));
        }
      }
    }
    return m;
  }

  static String formatThresholds(Map<String, Double> t) {
    StringBuilder sb = new StringBuilder();
    t.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%s:%.4f", k, v)));
    return sb.toString();
  }

  @Override
  public SentimentScore analyze(String text) {
    String[] tokens = TextNormalizer.sentimentTokens(text);
    Set<Cue> cues = ServiceLexicon.cues(tokens);
    // The lexicon features reuse the cues found here instead of matching the patterns again.
    Map<String, Object> extra = Map.of(LexiconFeatures.CUES_KEY, cues);
    String[] ctx = sharedGenerators == null ? null : context(tokens, extra);
    double[] p = ctx == null ? sentiment.categorize(tokens, extra) : sentimentWeights.eval(ctx);
    double pNeg = p[neg];
    double pNeu = p[neu];
    double pPos = p[pos];
    boolean sarcasm = false;
    if (rules) {
      sarcasm = cues.contains(Cue.SARCASM)
          || (cues.contains(Cue.FAILURE) && cues.contains(Cue.POSITIVE) && pPos > pNeg);
      if (sarcasm) {
        pNeg += pPos * 0.9;
        pPos *= 0.1;
      } else if (cues.contains(Cue.NEGATED_POSITIVE)) {
        pNeg += pPos * 0.8;
        pPos *= 0.2;
      } else if (cues.contains(Cue.NEGATED_NEGATIVE) && !cues.contains(Cue.FAILURE)) {
        pPos += pNeg * 0.7;
        pNeg *= 0.3;
      }
      boolean goodNews = cues.contains(Cue.RELIEF) || cues.contains(Cue.GRATITUDE);
      if (cues.contains(Cue.FAILURE) && !goodNews) {
        pNeg += pNeu * 0.5 + pPos * 0.6;
        pNeu *= 0.5;
        pPos *= 0.4;
      } else if (cues.contains(Cue.FAILURE)) {
        pNeg += pNeu * 0.5;
        pNeu *= 0.5;
      }
      if (cues.contains(Cue.RELIEF) && !sarcasm) {
        pPos += pNeg * 0.6;
        pNeg *= 0.4;
      }
    }
    // Ties (e.g. an empty message: no features, uniform probabilities) read as neutral.
    String label = pNeu >= pNeg && pNeu >= pPos ? "neutral" : pNeg >= pPos ? "negative" : "positive";
    double score = round(pPos - pNeg);

    double[] e = ctx == null ? emotion.categorize(tokens, extra) : emotionWeights.eval(ctx);
    Map<String, Double> emotions = new LinkedHashMap<>();
    tagIndex.forEach((tag, i) -> emotions.put(tag, Math.pow(e[i], exponent.get(tag))));
    if (rules) {
      if (label.equals("negative") && cues.contains(Cue.FAILURE)) {
        emotions.merge("anger", 0.55, Math::max);
      }
      boolean angry = cues.contains(Cue.ANGER) || shouting(tokens)
          || (cues.contains(Cue.FAILURE) && cues.contains(Cue.WAITING));
      if (label.equals("negative") && angry) {
        emotions.merge("anger", 0.7, Math::max);
      }
      if (cues.contains(Cue.CONFUSION)) {
        emotions.merge("confusion", 0.55, Math::max);
      }
      if (cues.contains(Cue.RELIEF) && !sarcasm) {
        emotions.merge("relief", 0.55, Math::max);
      }
      if (sarcasm) {
        emotions.computeIfPresent("gratitude", (k, v) -> Math.min(v, 0.1));
        emotions.computeIfPresent("relief", (k, v) -> Math.min(v, 0.1));
      }
    }
    emotions.replaceAll((k, v) -> round(v));
    return new SentimentScore(label, score, emotions);
  }

  private static boolean shouting(String[] tokens) {
    int excl = 0;
    int caps = 0;
    for (String t : tokens) {
      if (t.equals("!")) {
        excl++;
      } else if (t.equals("#caps")) {
        caps++;
      }
    }
    return excl >= 2 || caps >= 2;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  @Override
  public String modelName() {
    return name;
  }
}
