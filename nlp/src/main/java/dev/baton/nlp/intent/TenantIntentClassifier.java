package dev.baton.nlp.intent;

import dev.baton.nlp.IntentClassifier;
import dev.baton.nlp.IntentScore;
import dev.baton.nlp.TextNormalizer;
import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.intent.IntentModel.Prediction;
import dev.baton.nlp.semantic.ExampleIndex;
import dev.baton.nlp.semantic.SemanticStage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Two stages: a small model trained at start-up on the tenant's own intents against a shipped
 * sample of everything else ({@value #OTHER}), and the default model for everything else.
 *
 * <p>P(tenant intent i) = P<sub>tenant</sub>(i); P(default intent j) = P<sub>tenant</sub>(other)
 * × confidence<sub>default</sub>(j). The tenant's best intent wins when the first stage prefers
 * it to "other"; otherwise the default model's answer (possibly {@code oos}) is returned. An
 * intent the tenant shares with the default model (e.g. {@code delivery_period}) adds both. Out-of-scope text falls to "other" in the first
 * stage and to {@code oos} or a low confidence in the second.
 *
 * <p>When the default model has a semantic stage, so does the tenant stage: the tenant's examples
 * are encoded at start-up and put among the default model's encoded examples (which count as
 * "other", except those of an intent the tenant shares); unless the n-gram stage is sure of a
 * tenant intent, the nearest examples' vote is blended in with the default stage's weight.
 * Paraphrases of a tenant's questions that share few words with its examples are then still
 * recognised, and the message's embedding is the one the default stage computed (the shared
 * encoder caches it). Its calibration is fitted on the blend, on the same held-out folds.
 */
public final class TenantIntentClassifier implements IntentClassifier {
  static final String OTHER = "_other";
  /** How many times each tenant example is repeated, so a handful weighs like a Bitext intent. */
  static final int REPEAT = 10;

  /** Small and quick: a few thousand examples, no stems, 60 L-BFGS iterations. */
  static final TrainConfig TENANT_CONFIG =
      new TrainConfig("MAXENT_QN", "words,chars", 60, 1, 0.5, 0, 1);

  /** Folds of the tenant's examples (and the background) whose held-out predictions calibrate the tenant stage. */
  static final int CALIBRATION_FOLDS = 3;
  /** With fewer distinct tenant examples the held-out estimate is noise: the raw probability is kept. */
  static final int MIN_CALIBRATION_EXAMPLES = 15;
  /**
   * Held-out points that count as much as the raw probability: with n points the confidence is
   * (n × calibrated + this × raw) / (n + this), so a few dozen points cannot map a whole range of
   * probabilities to "always right".
   */
  static final int CALIBRATION_PRIOR_POINTS = 20;

  private final IntentModel defaults;
  private final IntentModel tenant;
  private final StageCalibration tenantCalibration;
  private final String name;
  /** The tenant stage's labels and its "everything else" label's position, worked out once. */
  private final String[] tenantLabels;
  private final int otherIndex;
  /** The tenant stage's nearest-examples vote, or null without a semantic stage. */
  private final TenantVote vote;

  /**
   * The tenant's encoded examples, voting with the default model's encoded examples (as {@value
   * #OTHER}, or as the intent a tenant shares with the default model): the nearest of both, as one
   * index of both would find them, from the default stage's remembered neighbours and a scan of
   * the tenant's few examples.
   */
  record TenantVote(SemanticStage defaults, ExampleIndex own, int[] defaultToStage, int[] ownToStage, double weight) {
    static TenantVote of(SemanticStage defaults, List<LabeledText> examples, String[] stageLabels) {
      List<String> labels = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      for (LabeledText e : examples) {
        labels.add(e.label());
        vectors.add(defaults.encoder().encode(e.text()));
      }
      ExampleIndex own = ExampleIndex.build(labels, vectors, Integer.MAX_VALUE);
      List<String> stage = List.of(stageLabels);
      int other = stage.indexOf(OTHER);
      return new TenantVote(defaults, own,
          positions(defaults.index().labels(), stage, other), positions(own.labels(), stage, other), defaults.weight());
    }

    /** Where each label sits among the stage's labels; one the stage does not have counts as "other". */
    private static int[] positions(String[] labels, List<String> stage, int other) {
      int[] at = new int[labels.length];
      for (int i = 0; i < labels.length; i++) {
        int j = stage.indexOf(labels[i]);
        at[i] = j >= 0 ? j : other;
      }
      return at;
    }

    /** {@code p} (over the stage's labels) blended with the vote, unless the stage is sure of a tenant intent. */
    double[] blend(double[] p, String[] labels, String text, int tokens) {
      if (SemanticStage.sure(p, labels, SemanticStage.SKIP_ABOVE) && !labels[argmax(p)].equals(OTHER)
          || tokens < SemanticStage.MIN_TOKENS) {
        return p;
      }
      double[] vote = ExampleIndex.mergedVote(defaults.nearest(text), defaultToStage,
          own.nearest(defaults.encoder().encode(text)), ownToStage, p.length);
      double[] out = new double[p.length];
      for (int i = 0; i < p.length; i++) {
        out[i] = (1 - weight) * p[i] + weight * vote[i];
      }
      return out;
    }
  }

  private static int argmax(double[] p) {
    int top = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[top]) {
        top = i;
      }
    }
    return top;
  }

  /**
   * The tenant stage's calibration: the isotonic map fitted on {@code points} held-out
   * predictions, shrunk toward the raw probability (see {@link #CALIBRATION_PRIOR_POINTS}).
   */
  public record StageCalibration(Calibration map, int points, String summary) {
    static final StageCalibration NONE =
        new StageCalibration(Calibration.identity(), 0, "not calibrated (too few examples)");

    public double apply(double raw) {
      double w = (double) points / (points + CALIBRATION_PRIOR_POINTS);
      return w * map.apply(raw) + (1 - w) * raw;
    }
  }

  private TenantIntentClassifier(
      IntentModel defaults, IntentModel tenant, StageCalibration tenantCalibration, TenantVote vote, String name) {
    this.defaults = defaults;
    this.vote = vote;
    this.tenant = tenant;
    this.tenantCalibration = tenantCalibration;
    this.name = name;
    this.tenantLabels = tenant == null ? new String[0] : tenant.labels();
    this.otherIndex = List.of(tenantLabels).indexOf(OTHER);
  }

  /**
   * Trains the tenant stage (about a second) and combines it with {@code defaults}.
   *
   * @param background the shipped sample of the default training data (text, original label)
   */
  public static TenantIntentClassifier build(String tenantId, IntentModel defaults,
      Map<String, List<String>> tenantExamples, List<LabeledText> background, Consumer<String> log) {
    String name = defaults.name() + "+" + tenantId;
    if (tenantExamples.values().stream().allMatch(List::isEmpty)) {
      return new TenantIntentClassifier(defaults, null, StageCalibration.NONE, null, name);
    }
    long t0 = System.nanoTime();
    Set<String> own = tenantExamples.keySet();
    List<LabeledText> examples = new ArrayList<>();
    tenantExamples.forEach((intent, texts) -> new LinkedHashSet<>(texts).forEach(t -> examples.add(new LabeledText(t, intent))));
    List<LabeledText> others = new ArrayList<>();
    for (LabeledText b : background) {
      if (!own.contains(b.label())) {
        others.add(new LabeledText(b.text(), OTHER));
      }
    }
    IntentModel m = trainStage(examples, others);
    SemanticStage semantic = defaults.semantic();
    TenantVote vote = semantic == null ? null : TenantVote.of(semantic, examples, m.labels());
    StageCalibration calibration = examples.size() >= MIN_CALIBRATION_EXAMPLES
        ? calibrateStage(examples, others, semantic) : StageCalibration.NONE;
    log.accept(String.format("tenant %s: %d intents, %d examples, start-up model %s and %s in %d ms",
        tenantId, own.size(), examples.size(), vote == null ? "trained" : "trained and encoded",
        calibration.summary(),
        (System.nanoTime() - t0) / 1_000_000));
    return new TenantIntentClassifier(defaults, m, calibration, vote, name);
  }

  private static IntentModel trainStage(List<LabeledText> examples, List<LabeledText> others) {
    List<LabeledText> train = new ArrayList<>(examples.size() * REPEAT + others.size());
    for (LabeledText e : examples) {
      for (int r = 0; r < REPEAT; r++) {
        train.add(e);
      }
    }
    train.addAll(others);
    return new IntentModel(Trainer.train(train, TENANT_CONFIG, TextNormalizerTokens.INTENT));
  }

  /**
   * Calibrates the stage's probability for a tenant intent on held-out folds: each distinct
   * example (never a copy of one it was trained on) and each background message is predicted by
   * a stage trained without it; wherever the stage would answer with a tenant intent, whether that
   * intent was right. With a semantic stage the held-out probabilities are the blend, the vote
   * coming from an index without the fold's tenant examples; only every {@value
   * #SEMANTIC_BACKGROUND_STRIDE}th background message is held out then, to bound the encoding
   * at start-up.
   */
  static StageCalibration calibrateStage(List<LabeledText> examples, List<LabeledText> others) {
    return calibrateStage(examples, others, null);
  }

  /** One background message in this many is encoded to calibrate a semantic tenant stage. */
  static final int SEMANTIC_BACKGROUND_STRIDE = 4;

  static StageCalibration calibrateStage(List<LabeledText> examples, List<LabeledText> others, SemanticStage semantic) {
    List<LabeledText> all = new ArrayList<>(examples);
    all.addAll(others);
    int[] fold = Trainer.folds(all, CALIBRATION_FOLDS, 42);
    List<Double> scores = new ArrayList<>();
    List<Boolean> right = new ArrayList<>();
    int claimedExamples = 0;
    int rightExamples = 0;
    for (int f = 0; f < CALIBRATION_FOLDS; f++) {
      List<LabeledText> ex = new ArrayList<>();
      List<LabeledText> ot = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        if (fold[i] != f) {
          (i < examples.size() ? ex : ot).add(all.get(i));
        }
      }
      IntentModel m = trainStage(ex, ot);
      String[] labels = m.labels();
      TenantVote foldVote = semantic == null ? null : TenantVote.of(semantic, ex, labels);
      for (int i = 0; i < all.size(); i++) {
        if (fold[i] != f || (foldVote != null && i >= examples.size() && i % SEMANTIC_BACKGROUND_STRIDE != 0)) {
          continue;
        }
        String[] tokens = TextNormalizer.intentTokens(all.get(i).text());
        double[] p = m.ngramProbabilities(tokens);
        if (foldVote != null) {
          p = foldVote.blend(p, labels, all.get(i).text(), tokens.length);
        }
        int best = bestTenantIntent(p, labels);
        if (best >= 0 && p[best] > probabilityOf(p, labels, OTHER)) {
          boolean ok = labels[best].equals(all.get(i).label());
          scores.add(p[best]);
          right.add(ok);
          if (i < examples.size()) {
            claimedExamples++;
            rightExamples += ok ? 1 : 0;
          }
        }
      }
    }
    double[] s = new double[scores.size()];
    boolean[] r = new boolean[scores.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = scores.get(i);
      r[i] = right.get(i);
    }
    return new StageCalibration(Calibration.fit(s, r), s.length, String.format(
        "calibrated on %d held-out predictions (of %d held-out tenant examples, %d answered with a tenant intent, "
            + "%d of them right; %d background messages taken for a tenant intent)",
        s.length, examples.size(), claimedExamples, rightExamples, s.length - claimedExamples));
  }

  private static int bestTenantIntent(double[] p, String[] labels) {
    int best = -1;
    for (int i = 0; i < p.length; i++) {
      if (!labels[i].equals(OTHER) && (best < 0 || p[i] > p[best])) {
        best = i;
      }
    }
    return best;
  }

  private static double probabilityOf(double[] p, String[] labels, String label) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i].equals(label)) {
        return p[i];
      }
    }
    return 0;
  }

  /** How the tenant stage's probability maps to how often its intent is right (identity: not calibrated). */
  public StageCalibration tenantCalibration() {
    return tenantCalibration;
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
    Prediction d = encoder ? defaults.predict(text) : defaults.predictWithoutEncoder(text);
    if (tenant == null) {
      return new IntentScore(d.label(), d.confidence());
    }
    String[] labels = tenantLabels;
    String[] tokens = TextNormalizer.intentTokens(text);
    double[] p = tenant.ngramProbabilities(tokens);
    if (vote != null && encoder) {
      p = vote.blend(p, labels, text, tokens.length);
    }
    double other = otherIndex < 0 ? 0 : p[otherIndex];
    int best = bestTenantIntent(p, labels);
    double defaultScore = other * d.confidence();
    if (best >= 0 && p[best] > other) {
      double tenantScore = tenantCalibration.apply(p[best]) + (labels[best].equals(d.bestIntent()) ? defaultScore : 0);
      return new IntentScore(labels[best], Math.min(1, tenantScore));
    }
    // The tenant stage says "not one of mine": the default model decides (oos included).
    double shared = best >= 0 && labels[best].equals(d.bestIntent()) ? p[best] : 0;
    return new IntentScore(d.label(), Math.min(1, defaultScore + shared));
  }

  @Override
  public String modelName() {
    return name;
  }
}
