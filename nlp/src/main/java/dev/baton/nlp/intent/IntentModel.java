package dev.baton.nlp.intent;

import dev.baton.nlp.TextNormalizer;
import dev.baton.nlp.features.Features;
import dev.baton.nlp.semantic.SemanticStage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import opennlp.tools.doccat.DoccatModel;
import opennlp.tools.doccat.DocumentCategorizerME;

/**
 * A trained intent model: an OpenNLP document categorizer plus the calibration of its top
 * probability, both in one {@code .bin} file (the calibration and the model's name live in the
 * model's manifest). Thread-safe.
 *
 * <p>An {@value #OOS} category, when the model has one, stands for "none of these intents"
 * (trained on out-of-scope examples). The confidence of a prediction is the calibrated
 * probability that the best <em>in-scope</em> intent is right, so out-of-scope text gets a low
 * confidence whether or not the {@value #OOS} category wins.
 */
public final class IntentModel {
  public static final String OOS = "oos";
  static final String CALIBRATION_PROPERTY = "baton.calibration";
  static final String NAME_PROPERTY = "baton.name";

  private final DoccatModel model;
  private final DocumentCategorizerME categorizer;
  private final Calibration calibration;
  private final String name;
  private final int oosIndex;
  private final String[] labels;
  private final SemanticStage semantic;
  /** Where each label of the semantic index sits in {@link #labels}, worked out once. */
  private final int[] voteSlots;

  public IntentModel(DoccatModel model) {
    this(model, null);
  }

  private IntentModel(DoccatModel model, SemanticStage semantic) {
    this.model = model;
    this.semantic = semantic;
    this.categorizer = new DocumentCategorizerME(model);
    this.calibration = Calibration.parse(model.getManifestProperty(CALIBRATION_PROPERTY));
    String n = model.getManifestProperty(NAME_PROPERTY);
    this.name = n == null ? "intent" : n;
    this.labels = new String[categorizer.getNumberOfCategories()];
    int oos = -1;
    for (int i = 0; i < labels.length; i++) {
      labels[i] = categorizer.getCategory(i);
      if (labels[i].equals(OOS)) {
        oos = i;
      }
    }
    this.oosIndex = oos;
    this.voteSlots = semantic == null ? null : semantic.slotsFor(labels);
  }

  /** The best intent, its raw probability, and the calibrated confidence. */
  public record Prediction(String label, String bestIntent, double raw, double oos, double confidence) {}

  public static IntentModel load(InputStream in) {
    Features.allowLoading();
    try (InputStream b = new BufferedInputStream(in)) {
      return new IntentModel(new DoccatModel(b));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load intent model", e);
    }
  }

  public static IntentModel load(Path file) {
    try {
      return load(Files.newInputStream(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Loads a model from the classpath, e.g. {@code models/intent-default.bin}. */
  public static IntentModel loadResource(String resource) {
    InputStream in = IntentModel.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("model resource not found: " + resource);
    }
    return load(in);
  }

  public void save(Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      model.serialize(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Probabilities over {@link #labels()}, in that order: the n-gram model's, blended with the
   * nearest training examples' vote when the model has a semantic stage.
   */
  public double[] probabilities(String text) {
    String[] tokens = TextNormalizer.intentTokens(text);
    double[] p = categorizer.categorize(tokens);
    return asksVote(p, tokens) ? semantic.blend(p, voteSlots, text) : p;
  }

  /** The n-gram (OpenNLP) model's probabilities alone. */
  public double[] ngramProbabilities(String text) {
    return ngramProbabilities(TextNormalizer.intentTokens(text));
  }

  /** The same, on the text's {@link TextNormalizer#intentTokens} already computed. */
  public double[] ngramProbabilities(String[] tokens) {
    return categorizer.categorize(tokens);
  }

  public Prediction predict(String text) {
    String[] tokens = TextNormalizer.intentTokens(text);
    double[] p = categorizer.categorize(tokens);
    return asksVote(p, tokens) ? predict(semantic.blend(p, voteSlots, text), semantic.calibration()) : predict(p, calibration);
  }

  /**
   * Whether the nearest examples are asked: the n-gram model is unsure, and the message has
   * more than one word: a sentence embedding adds nothing to "ok", "yes" or an order number,
   * and costs ~10 ms of a core.
   */
  private boolean asksVote(double[] p, String[] tokens) {
    return semantic != null && tokens.length >= SemanticStage.MIN_TOKENS && semantic.wantsVote(p, labels);
  }

  /** The n-gram model's prediction alone, even when the model has a semantic stage. */
  public Prediction predictWithoutEncoder(String text) {
    return predict(ngramProbabilities(text), calibration);
  }

  /** A prediction from n-gram probabilities (with the n-gram model's calibration). */
  public Prediction predict(double[] p) {
    return predict(p, calibration);
  }

  private Prediction predict(double[] p, Calibration c) {
    int best = -1;
    for (int i = 0; i < p.length; i++) {
      if (i != oosIndex && (best < 0 || p[i] > p[best])) {
        best = i;
      }
    }
    double oos = oosIndex >= 0 ? p[oosIndex] : 0;
    double raw = best >= 0 ? p[best] : 0;
    String bestIntent = best >= 0 ? labels[best] : OOS;
    String label = oos > raw ? OOS : bestIntent;
    return new Prediction(label, bestIntent, raw, oos, c.apply(raw));
  }

  public String[] labels() {
    return labels.clone();
  }

  public boolean hasOosCategory() {
    return oosIndex >= 0;
  }

  /** The model's name; with a semantic stage, followed by {@code +} and the encoder's name. */
  public String name() {
    return semantic == null ? name : name + "+" + semantic.encoder().name();
  }

  /** The semantic stage, or null for an n-gram model alone. */
  public SemanticStage semantic() {
    return semantic;
  }

  /** The same n-gram model with a semantic stage (null: none). */
  public IntentModel withSemantic(SemanticStage stage) {
    return new IntentModel(model, stage);
  }

  public Calibration calibration() {
    return calibration;
  }

  public DoccatModel doccatModel() {
    return model;
  }

  /** The same model with another calibration and name (a new manifest, same weights). */
  public IntentModel with(Calibration newCalibration, String newName) {
    Map<String, String> manifest = new HashMap<>();
    manifest.put(CALIBRATION_PROPERTY, newCalibration.serialize());
    manifest.put(NAME_PROPERTY, newName);
    return new IntentModel(
        new DoccatModel(model.getLanguage(), model.getMaxentModel(), manifest, model.getFactory()), semantic);
  }
}
