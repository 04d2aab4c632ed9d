package dev.baton.nlp;

import dev.baton.nlp.data.Csv;
import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.intent.ClauseScoringClassifier;
import dev.baton.nlp.intent.IntentModel;
import dev.baton.nlp.intent.TenantIntentClassifier;
import dev.baton.nlp.intent.TenantIntents;
import dev.baton.nlp.semantic.SemanticStage;
import dev.baton.nlp.semantic.SentenceEncoder;
import dev.baton.nlp.semantic.SentenceEncoders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/** Builds the intent classifier a tenant's messages go through. */
public final class IntentModels {
  /** The shipped default model (Bitext customer-service intents + out-of-scope), on the classpath. */
  public static final String DEFAULT_MODEL = "models/intent-default.bin";
  /** The sample of the default training data a tenant's start-up model learns "everything else" from. */
  public static final String BACKGROUND = "models/tenant-background.csv";
  /** The default model's training examples encoded for the semantic stage (see {@link #defaultModel(String)}). */
  public static final String SEMANTIC_INDEX = "models/intent-default-semantic.bin";

  private static final Logger LOG = Logger.getLogger(IntentModels.class.getName());

  private IntentModels() {}

  private static final class Holder {
    static final IntentModel DEFAULT = IntentModel.loadResource(DEFAULT_MODEL);
    static final List<LabeledText> BACKGROUND_SAMPLE = loadBackground();
  }

  private static final Map<String, SemanticStage> SEMANTIC_STAGES = new ConcurrentHashMap<>();

  /** The default model, loaded once. */
  public static IntentModel defaultModel() {
    return Holder.DEFAULT;
  }

  /**
   * The default model with the semantic stage of that sentence encoder (see {@link
   * SentenceEncoders}), or alone for {@code none}. The stage costs milliseconds per message
   * instead of a tenth of one; the encoder and its index are loaded once.
   */
  public static IntentModel defaultModel(String encoder) {
    return withSemantic(defaultModel(), encoder);
  }

  /** {@code model} with the shipped semantic stage of that encoder ({@code none}: unchanged). */
  public static IntentModel withSemantic(IntentModel model, String encoder) {
    if (encoder == null || encoder.isBlank() || encoder.equals(SentenceEncoders.NONE)) {
      return model;
    }
    return model.withSemantic(SEMANTIC_STAGES.computeIfAbsent(encoder, IntentModels::loadSemantic));
  }

  private static SemanticStage loadSemantic(String encoder) {
    SentenceEncoder e = SentenceEncoders.shared(encoder);
    InputStream in = IntentModels.class.getClassLoader().getResourceAsStream(SEMANTIC_INDEX);
    if (in == null) {
      throw new IllegalStateException("resource not found: " + SEMANTIC_INDEX);
    }
    SemanticStage stage = SemanticStage.read(in, e);
    LOG.info(() -> "semantic intent stage: " + encoder + ", " + stage.index().size()
        + " examples, weight " + stage.weight());
    return stage;
  }

  /**
   * The classifier for one tenant: the default customer-service intents plus the tenant's own
   * intents and their examples (FAQ entries, and custom intents from {@link TenantIntents}).
   * Trains a small start-up model for the tenant's intents (about a second); call once per tenant
   * at start-up, not on the event loop. A message whose whole is unsure is also read clause by
   * clause ({@link ClauseScoringClassifier}).
   */
  public static IntentClassifier forTenant(String tenantId, Map<String, List<String>> tenantExamples) {
    return forTenant(tenantId, tenantExamples, defaultModel());
  }

  /** As {@link #forTenant(String, Map)}, on another default model (e.g. one retrained with feedback). */
  public static IntentClassifier forTenant(
      String tenantId, Map<String, List<String>> tenantExamples, IntentModel defaults) {
    Map<String, List<String>> all = new LinkedHashMap<>();
    TenantIntents.merge(all, TenantIntents.load(tenantId));
    TenantIntents.merge(all, tenantExamples);
    return new ClauseScoringClassifier(
        TenantIntentClassifier.build(tenantId, defaults, all, Holder.BACKGROUND_SAMPLE, LOG::info));
  }

  private static List<LabeledText> loadBackground() {
    try (InputStream in = IntentModels.class.getClassLoader().getResourceAsStream(BACKGROUND)) {
      if (in == null) {
        throw new IllegalStateException("resource not found: " + BACKGROUND);
      }
      return LabeledText.fromRows(Csv.read(in), "label");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
