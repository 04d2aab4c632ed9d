package dev.baton.nlp.intent;

import dev.baton.nlp.IntentClassifier;
import dev.baton.nlp.IntentScore;
import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.intent.IntentModel.Prediction;
import java.util.ArrayList;
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
 */
public final class TenantIntentClassifier implements IntentClassifier {
  static final String OTHER = "_other";
  /** How many times each tenant example is repeated, so a handful weighs like a Bitext intent. */
  static final int REPEAT = 10;

  /** Small and quick: a few thousand examples, no stems, 60 L-BFGS iterations. */
  static final TrainConfig TENANT_CONFIG =
      new TrainConfig("MAXENT_QN", "words,chars", 60, 1, 0.5, 0, 1);

  private final IntentModel defaults;
  private final IntentModel tenant;
  private final String name;

  private TenantIntentClassifier(IntentModel defaults, IntentModel tenant, String name) {
    this.defaults = defaults;
    this.tenant = tenant;
    this.name = name;
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
      return new TenantIntentClassifier(defaults, null, name);
    }
    long t0 = System.nanoTime();
    Set<String> own = tenantExamples.keySet();
    List<LabeledText> train = new ArrayList<>();
    tenantExamples.forEach((intent, texts) -> {
      for (String t : texts) {
        for (int r = 0; r < REPEAT; r++) {
          train.add(new LabeledText(t, intent));
        }
      }
    });
    for (LabeledText b : background) {
      if (!own.contains(b.label())) {
        train.add(new LabeledText(b.text(), OTHER));
      }
    }
    TrainConfig c = TENANT_CONFIG;
    IntentModel m = new IntentModel(Trainer.train(train, c, TextNormalizerTokens.INTENT));
    log.accept(String.format("tenant %s: %d intents, start-up model trained in %d ms", tenantId,
        own.size(), (System.nanoTime() - t0) / 1_000_000));
    return new TenantIntentClassifier(defaults, m, name);
  }

  @Override
  public IntentScore classify(String text) {
    Prediction d = defaults.predict(text);
    if (tenant == null) {
      return new IntentScore(d.label(), d.confidence());
    }
    double[] p = tenant.probabilities(text);
    String[] labels = tenant.labels();
    double other = 0;
    int best = -1;
    for (int i = 0; i < p.length; i++) {
      if (labels[i].equals(OTHER)) {
        other = p[i];
      } else if (best < 0 || p[i] > p[best]) {
        best = i;
      }
    }
    double defaultScore = other * d.confidence();
    if (best >= 0 && p[best] > other) {
      double tenantScore = p[best] + (labels[best].equals(d.bestIntent()) ? defaultScore : 0);
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
