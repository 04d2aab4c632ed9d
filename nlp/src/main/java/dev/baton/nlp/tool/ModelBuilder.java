package dev.baton.nlp.tool;

import dev.baton.nlp.data.Csv;
import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.intent.Calibration;
import dev.baton.nlp.intent.IntentData;
import dev.baton.nlp.intent.TrainConfig;
import dev.baton.nlp.intent.Trainer;
import dev.baton.nlp.semantic.Encodings;
import dev.baton.nlp.semantic.ExampleIndex;
import dev.baton.nlp.semantic.SemanticStage;
import dev.baton.nlp.semantic.SentenceEncoder;
import dev.baton.nlp.semantic.SentenceEncoders;
import dev.baton.nlp.complaint.ComplaintTraining;
import dev.baton.nlp.sentiment.SentimentTraining;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Rebuilds the shipped models from nlp/data: the command named in models/README.md. */
final class ModelBuilder {
  static final String INTENT_MODEL = "intent-default.bin";
  static final String BACKGROUND = "tenant-background.csv";
  static final String SEMANTIC_INDEX = "intent-default-semantic.bin";
  /** The semantic stage's share of the blend, chosen on CLINC150's validation split (nlp/README.md). */
  static final double SEMANTIC_WEIGHT = 0.5;
  /** An agent's correction is rare and deliberate: it counts like this many training examples. */
  static final int FEEDBACK_REPEAT = 5;

  private ModelBuilder() {}

  static void buildAll(Map<String, String> opt, Consumer<String> progress) {
    Path data = Path.of(opt.getOrDefault("data", "nlp/data"));
    Path out = Path.of(opt.getOrDefault("out", "nlp/src/main/resources/models"));
    String only = opt.getOrDefault("only", "all");
    mkdirs(out);
    if (only.equals("all") || only.equals("intent")) {
      buildIntent(data, out, List.of(), opt, progress);
    }
    if (only.equals("all") || only.equals("sentiment")) {
      SentimentTraining.buildAll(data, out.resolve("sentiment"), opt, progress);
    }
    if (only.equals("all") || only.equals("complaint")) {
      ComplaintTraining.build(data, out.resolve("complaint"), opt, progress);
    }
  }

  static void buildIntent(Path data, Path out, List<Path> feedback, Map<String, String> opt,
      Consumer<String> progress) {
    List<LabeledText> train = new ArrayList<>(IntentData.defaultTrainingSet(data, progress));
    java.util.Set<String> known = new java.util.HashSet<>();
    train.forEach(t -> known.add(t.label()));
    List<LabeledText> fb = new ArrayList<>();
    String tenantDir = opt.get("tenant-intents-dir");
    for (Path f : feedback) {
      if (!Files.exists(f)) {
        progress.accept("no feedback file " + f);
        continue;
      }
      for (Map<String, String> row : Csv.read(f)) {
        String text = row.getOrDefault("text", "");
        String intent = row.getOrDefault("intent", "").trim();
        if (text.isBlank() || intent.isBlank()) {
          continue;
        }
        if (known.contains(intent)) {
          fb.add(new LabeledText(text, intent));
        } else if (tenantDir != null && !row.getOrDefault("tenant", "").isBlank()) {
          appendTenantExample(Path.of(tenantDir), row.get("tenant").trim(), text, intent);
        } else {
          progress.accept("skipped feedback for unknown intent '" + intent + "' (a tenant intent: "
              + "pass --tenant-intents-dir to add it to the tenant's examples)");
        }
      }
    }
    if (!fb.isEmpty()) {
      progress.accept("feedback examples: " + fb.size() + " (each counted " + FEEDBACK_REPEAT + " times)");
      for (int r = 0; r < FEEDBACK_REPEAT; r++) {
        train.addAll(fb);
      }
    }
    TrainConfig c = NlpTool.config(opt, TrainConfig.intentDefault());
    int folds = Integer.parseInt(opt.getOrDefault("calibration-folds", "3"));
    String name = opt.getOrDefault("name", "intent-default-1");
    Trainer.Calibrated trained = Trainer.trainCalibrated(train, c, folds, name, progress);
    mkdirs(out);
    trained.model().save(out.resolve(INTENT_MODEL));
    writeBackground(IntentData.background(train, 25, 400, 3), out.resolve(BACKGROUND));
    progress.accept("wrote " + out.resolve(INTENT_MODEL) + " and " + out.resolve(BACKGROUND));
    String encoder = opt.getOrDefault("semantic", SentenceEncoders.BGE_SMALL);
    if (!encoder.equals(SentenceEncoders.NONE)) {
      buildSemantic(train, trained.heldOut(), folds, SentenceEncoders.named(encoder), opt, out, progress);
    }
  }

  /**
   * The semantic stage of the default model: a sample of its training examples encoded, with the
   * blend's calibration fitted on held-out blends (the n-gram model's calibration folds, and votes
   * from indexes of the other folds).
   */
  static void buildSemantic(List<LabeledText> train, List<Trainer.HeldOut> ngramHeldOut, int folds,
      SentenceEncoder encoder, Map<String, String> opt, Path out, Consumer<String> progress) {
    double weight = Double.parseDouble(opt.getOrDefault("semantic-weight", String.valueOf(SEMANTIC_WEIGHT)));
    int maxPerLabel = Integer.parseInt(opt.getOrDefault("max-per-label", String.valueOf(NlpTool.SEMANTIC_MAX_PER_LABEL)));
    List<float[]> vectors = Encodings.encodeAll(encoder, train.stream().map(LabeledText::text).toList(), progress);
    double skipAbove = Double.parseDouble(opt.getOrDefault("skip-above", String.valueOf(SemanticStage.SKIP_ABOVE)));
    Calibration calibration = Calibration.identity();
    if (!ngramHeldOut.isEmpty()) {
      // Only the messages the stage will see: those the n-gram model is unsure of.
      List<Trainer.HeldOut> votes = Trainer.semanticHeldOut(train, vectors, folds, maxPerLabel);
      List<Trainer.HeldOut> unsureNgram = new ArrayList<>();
      List<Trainer.HeldOut> unsureVotes = new ArrayList<>();
      for (int i = 0; i < ngramHeldOut.size(); i++) {
        Trainer.HeldOut h = ngramHeldOut.get(i);
        if (!SemanticStage.sure(h.probabilities(), h.labels(), skipAbove)) {
          unsureNgram.add(ngramHeldOut.get(i));
          unsureVotes.add(votes.get(i));
        }
      }
      progress.accept("blend calibrated on the " + unsureNgram.size() + " of " + ngramHeldOut.size()
          + " held-out messages the n-gram model is not sure of (in-scope top probability below " + skipAbove + ")");
      calibration = Trainer.calibrate(Trainer.blend(unsureNgram, unsureVotes, weight));
    }
    ExampleIndex index = ExampleIndex.build(train.stream().map(LabeledText::label).toList(), vectors, maxPerLabel);
    new SemanticStage(encoder, index, weight, skipAbove, calibration).write(out.resolve(SEMANTIC_INDEX));
    progress.accept("wrote " + out.resolve(SEMANTIC_INDEX) + " (" + index.size() + " examples, weight " + weight + ")");
  }

  /** A correction to a tenant's own intent goes to that tenant's custom-intents CSV. */
  static void appendTenantExample(Path dir, String tenant, String text, String intent) {
    try {
      Files.createDirectories(dir);
      Path f = dir.resolve(tenant + ".csv");
      boolean fresh = !Files.exists(f);
      try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND)) {
        if (fresh) {
          Csv.writeRow(w, "text", "intent");
        }
        Csv.writeRow(w, text, intent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeBackground(List<LabeledText> rows, Path file) {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      Csv.writeRow(w, "text", "label");
      for (LabeledText t : rows) {
        Csv.writeRow(w, t.text().replace('\n', ' '), t.label());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Retrains the default intent model with feedback files added to its training data. */
  static void retrain(Map<String, String> opt, Consumer<String> progress) {
    Path data = Path.of(opt.getOrDefault("data", "nlp/data"));
    List<Path> feedback = new ArrayList<>();
    for (String f : NlpTool.required(opt, "feedback").split(",")) {
      feedback.add(Path.of(f.trim()));
    }
    Path out = Path.of(NlpTool.required(opt, "out"));
    Path dir = out.toAbsolutePath().getParent();
    Path tmp = dir.resolve("retrain-" + System.nanoTime());
    Map<String, String> o = new java.util.HashMap<>(opt);
    // The retrained model keeps using the shipped semantic index; rebuilding it would take minutes more.
    o.putIfAbsent("semantic", SentenceEncoders.NONE);
    o.putIfAbsent("name", "intent-default-1+feedback-"
        + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(java.time.ZoneOffset.UTC)
            .format(java.time.Instant.now()));
    buildIntent(data, tmp, feedback, o, progress);
    try {
      Files.move(tmp.resolve(INTENT_MODEL), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(tmp.resolve(BACKGROUND));
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    progress.accept("wrote " + out);
  }

  private static void mkdirs(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
