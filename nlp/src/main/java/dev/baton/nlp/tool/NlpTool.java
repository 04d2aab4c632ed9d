package dev.baton.nlp.tool;

import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.eval.Metrics;
import dev.baton.nlp.eval.OosEvaluation;
import dev.baton.nlp.eval.OosEvaluation.Objective;
import dev.baton.nlp.eval.OosEvaluation.Result;
import dev.baton.nlp.eval.OosEvaluation.Scored;
import dev.baton.nlp.intent.Calibration;
import dev.baton.nlp.intent.IntentModel;
import dev.baton.nlp.intent.IntentModel.Prediction;
import dev.baton.nlp.intent.TextNormalizerTokens;
import dev.baton.nlp.intent.TrainConfig;
import dev.baton.nlp.intent.Trainer;
import dev.baton.nlp.intent.Trainer.HeldOut;
import dev.baton.nlp.semantic.Encodings;
import dev.baton.nlp.semantic.ExampleIndex;
import dev.baton.nlp.semantic.SemanticStage;
import dev.baton.nlp.semantic.SentenceEncoder;
import dev.baton.nlp.semantic.SentenceEncoders;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains and evaluates Baton's language models from CSV files. Run {@code nlp/bin/nlp-tool help}
 * for the commands; nlp/README.md shows the ones that produce the published figures.
 */
public final class NlpTool {
  private static final PrintStream OUT = System.out;
  private static final long START = System.nanoTime();
  /** Examples of one label the semantic index keeps at most (a sample of bigger labels). */
  static final int SEMANTIC_MAX_PER_LABEL = 200;

  static final Consumer<String> PROGRESS =
      msg -> System.err.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - START) / 1e9, msg);

  private NlpTool() {}

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      usage();
      return;
    }
    Map<String, String> opt = options(args);
    switch (args[0]) {
      case "train" -> train(opt);
      case "evaluate" -> evaluate(opt);
      case "cv" -> crossValidate(opt);
      case "pick-threshold" -> pickThreshold(opt);
      case "oos" -> oos(opt);
      case "compare" -> compare(opt);
      case "build-models" -> ModelBuilder.buildAll(opt, PROGRESS);
      case "evaluate-sentiment" -> SentimentCommands.evaluate(opt, PROGRESS);
      case "evaluate-complaints" -> ComplaintCommands.evaluate(opt, PROGRESS);
      case "retrain" -> ModelBuilder.retrain(opt, PROGRESS);
      case "classify" -> classify(opt, args);
      default -> {
        System.err.println("unknown command " + args[0]);
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    OUT.println(
        """
        nlp-tool COMMAND [--option value ...]

        Intent models (CSV with columns text,label; label 'oos' = out of scope;
        FILE#label reads only the rows with that label, a,b reads several files):
          train     --train a.csv[,b.csv] --out model.bin [--calibration-folds 5] [--name NAME]
                    [--algorithm MAXENT_QN|MAXENT|NAIVEBAYES|PERCEPTRON] [--features words,chars,stems]
                    [--iterations N] [--cutoff N] [--l2 C] [--l1 C] [--threads N]
          evaluate  --model model.bin --test test.csv [--threshold T] [--encoder bge-small-en-v1.5-q]
                    accuracy, macro-F1, per-class precision/recall, top confusions;
                    with oos rows: in-scope accuracy and out-of-scope recall at T
          cv        --train train.csv [--folds 5] [training options]   k-fold cross-validation
                    [--ensemble ALGO:features]  also average with a second model, on the same folds
                    [--encoder bge-small-en-v1.5-q [--semantic-weight W] [--max-per-label N]]
                    also the semantic stage: nearest training examples by sentence embedding,
                    blended with weight W (default 0.5), with a grid of weights on the same folds
          compare   --train train.csv [--folds 5] [--max-folds N] --configs "ALGO:features[:l2];..."
                    one row per configuration (--max-folds 1: hold out only the first fold)
          pick-threshold --model model.bin --val val.csv [--objective accuracy|balanced]
          oos       --train train.csv --val val.csv [--test test.csv] [--objective ...]
                    [--encoder NAME [--semantic-weight W]]  with the semantic stage; without
                    --semantic-weight, the weight is chosen on val with the threshold
                    train, pick the threshold on val, report on val (and test);
                    also split val in two halves to show how the threshold transfers

        Sentiment and emotion:
          evaluate-sentiment --test goemotions/test.csv|cs.csv[,more.csv] [--models DIR] [--no-rules]
                    [--show-errors]  sentiment accuracy, macro-F1, per class; F1 per emotion tag

        Complaints:
          evaluate-complaints --test a.csv[,b.csv] [--models DIR] [--no-rules] [--threshold 0.5]
                    [--show-errors]  complaints caught and false alarms at T and over a grid of
                    thresholds; sarcasm precision/recall where the file labels it; µs per message

        Try it:
          classify  [--model model.bin] [--tenant demo-dental] [--encoder bge-small-en-v1.5-q]
                    "message" ["message" ...]
                    intent (default model, or the tenant's classifier), sentiment, emotions, slots

        Shipped models:
          build-models [--data nlp/data] [--out nlp/src/main/resources/models] [--only intent|sentiment|complaint]
                    [--complaint-sources baton,multidogo,bitext,goemotions]  (the complaint
                    model's training sources, for comparison)
                    [--semantic bge-small-en-v1.5-q|none] [--semantic-weight 0.5]  the intent model's
                    semantic index (default: built, with that encoder)
                    [--goemotions-only]  (sentiment trained on GoEmotions alone, for comparison)
          retrain   --feedback feedback.csv[,more.csv] [--data nlp/data] --out model.bin
                    [--tenant-intents-dir DIR]  corrections to a default intent retrain the
                    default model; corrections to a tenant's own intent are appended to
                    DIR/<tenant>.csv (BATON_TENANT_INTENTS_DIR), read when the tenant's
                    classifier is next built
        """);
  }

  private static void classify(Map<String, String> opt, String[] args) {
    java.util.List<String> texts = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        i++;
      } else {
        texts.add(args[i]);
      }
    }
    IntentModel m = dev.baton.nlp.IntentModels.withSemantic(
        opt.containsKey("model") ? IntentModel.load(Path.of(opt.get("model"))) : dev.baton.nlp.IntentModels.defaultModel(),
        opt.getOrDefault("encoder", SentenceEncoders.NONE));
    dev.baton.nlp.IntentClassifier tenant = opt.containsKey("tenant")
        ? dev.baton.nlp.IntentModels.forTenant(opt.get("tenant"), Map.of(), m) : null;
    dev.baton.nlp.SentimentAnalyzer sentiment = dev.baton.nlp.SentimentModels.load();
    dev.baton.nlp.SlotExtractor slots = new dev.baton.nlp.SlotExtractor();
    for (String t : texts) {
      Prediction p = m.predict(t);
      OUT.println(t);
      OUT.printf("  " + m.name() + ": %s (best intent %s, raw %.3f, oos %.3f, confidence %.3f)%n",
          p.label(), p.bestIntent(), p.raw(), p.oos(), p.confidence());
      if (tenant != null) {
        OUT.println("  tenant " + opt.get("tenant") + ": " + tenant.classify(t));
      }
      OUT.println("  sentiment: " + sentiment.analyze(t));
      OUT.println("  complaint: " + dev.baton.nlp.ComplaintModels.load().detect(t));
      OUT.println("  slots: " + slots.extract(t));
    }
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        String key = args[i].substring(2);
        String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
        m.put(key, value);
      }
    }
    return m;
  }

  static String required(Map<String, String> opt, String key) {
    String v = opt.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }

  static List<LabeledText> readAll(String files) {
    List<LabeledText> all = new ArrayList<>();
    for (String f : files.split(",")) {
      // FILE#label keeps only the rows with that label (e.g. clinc150/val.csv#oos).
      String[] fileAndLabel = f.trim().split("#", 2);
      List<LabeledText> part = LabeledText.readCsv(Path.of(fileAndLabel[0]), "label");
      if (fileAndLabel.length == 2) {
        part = part.stream().filter(t -> t.label().equals(fileAndLabel[1])).toList();
      }
      PROGRESS.accept("read " + part.size() + " examples from " + f);
      all.addAll(part);
    }
    return all;
  }

  static TrainConfig config(Map<String, String> opt, TrainConfig base) {
    TrainConfig c = base;
    if (opt.containsKey("algorithm")) {
      c = c.withAlgorithm(opt.get("algorithm"));
    }
    if (opt.containsKey("features")) {
      c = c.withFeatures(opt.get("features"));
    }
    if (opt.containsKey("iterations")) {
      c = c.withIterations(Integer.parseInt(opt.get("iterations")));
    }
    if (opt.containsKey("cutoff")) {
      c = c.withCutoff(Integer.parseInt(opt.get("cutoff")));
    }
    if (opt.containsKey("l2")) {
      c = c.withL2(Double.parseDouble(opt.get("l2")));
    }
    if (opt.containsKey("l1")) {
      c = c.withL1(Double.parseDouble(opt.get("l1")));
    }
    if (opt.containsKey("threads")) {
      c = c.withThreads(Integer.parseInt(opt.get("threads")));
    }
    return c;
  }

  private static void train(Map<String, String> opt) {
    List<LabeledText> data = readAll(required(opt, "train"));
    TrainConfig c = config(opt, TrainConfig.intentDefault());
    int folds = Integer.parseInt(opt.getOrDefault("calibration-folds", "5"));
    IntentModel m = Trainer.trainIntentModel(data, c, folds, opt.getOrDefault("name", "intent"), PROGRESS);
    Path out = Path.of(required(opt, "out"));
    m.save(out);
    PROGRESS.accept("wrote " + out);
  }

  static List<Scored> score(IntentModel m, List<LabeledText> test) {
    List<Scored> out = new ArrayList<>(test.size());
    long t0 = System.nanoTime();
    for (int i = 0; i < test.size(); i++) {
      out.add(new Scored(test.get(i).label(), m.predict(test.get(i).text())));
      if ((i + 1) % 5000 == 0) {
        PROGRESS.accept("classified " + (i + 1) + "/" + test.size());
      }
    }
    PROGRESS.accept(String.format("classified %d messages, %.1f µs each", test.size(),
        (System.nanoTime() - t0) / 1e3 / Math.max(1, test.size())));
    return out;
  }

  private static void evaluate(Map<String, String> opt) {
    // --encoder adds the shipped semantic index (built for the default model and its retrainings).
    IntentModel m = dev.baton.nlp.IntentModels.withSemantic(
        IntentModel.load(Path.of(required(opt, "model"))), opt.getOrDefault("encoder", SentenceEncoders.NONE));
    List<LabeledText> test = readAll(required(opt, "test"));
    double threshold = Double.parseDouble(opt.getOrDefault("threshold", "0"));
    List<Scored> scored = score(m, test);
    report(scored, threshold, opt.containsKey("per-class") || true);
  }

  static void report(List<Scored> scored, double threshold, boolean perClass) {
    Metrics metrics = new Metrics();
    boolean hasOos = false;
    for (Scored s : scored) {
      hasOos |= s.truth().equals(IntentModel.OOS);
      String predicted = threshold > 0 || hasOos ? OosEvaluation.decide(s.prediction(), threshold) : s.prediction().label();
      metrics.add(s.truth(), predicted);
    }
    printMetrics(metrics, perClass);
    if (hasOos) {
      Result r = OosEvaluation.at(scored, threshold);
      OUT.println();
      new Table("threshold", "in-scope accuracy", "out-of-scope recall", "overall accuracy", "in-scope", "oos")
          .row(Table.num(threshold), Table.pct(r.inScopeAccuracy()), Table.pct(r.oosRecall()),
              Table.pct(r.accuracy()), r.inScope(), r.outOfScope())
          .print(OUT);
    }
    calibrationTable(scored);
  }

  static void printMetrics(Metrics metrics, boolean perClass) {
    OUT.println();
    new Table("examples", "accuracy", "macro-F1")
        .row(metrics.total(), Table.pct(metrics.accuracy()), Table.pct(metrics.macroF1()))
        .print(OUT);
    if (perClass) {
      OUT.println();
      Table t = new Table("class", "precision", "recall", "F1", "support");
      metrics.perClass().forEach(c -> t.row(c.label(), Table.pct(c.precision()), Table.pct(c.recall()),
          Table.pct(c.f1()), c.support()));
      t.print(OUT);
    }
    OUT.println();
    Table conf = new Table("true", "predicted as", "count");
    metrics.topConfusions(10).forEach(c -> conf.row(c.truth(), c.predicted(), c.count()));
    OUT.println("Most frequent confusions:");
    conf.print(OUT);
  }

  /** Reliability table: in each confidence band, how often the best in-scope intent was right. */
  static void calibrationTable(List<Scored> scored) {
    double[] edges = {0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0001};
    int[] n = new int[edges.length - 1];
    int[] right = new int[edges.length - 1];
    double[] conf = new double[edges.length - 1];
    for (Scored s : scored) {
      double c = s.prediction().confidence();
      for (int b = 0; b < n.length; b++) {
        if (c >= edges[b] && c < edges[b + 1]) {
          n[b]++;
          conf[b] += c;
          if (s.prediction().bestIntent().equals(s.truth())) {
            right[b]++;
          }
        }
      }
    }
    OUT.println();
    OUT.println("Calibration (best in-scope intent right, by confidence band):");
    Table t = new Table("confidence", "messages", "mean confidence", "right");
    for (int b = 0; b < n.length; b++) {
      if (n[b] > 0) {
        t.row(String.format("%.2f-%.2f", edges[b], Math.min(1, edges[b + 1])), n[b],
            Table.num(conf[b] / n[b]), Table.pct((double) right[b] / n[b]));
      }
    }
    t.print(OUT);
  }

  private static void crossValidate(Map<String, String> opt) {
    List<LabeledText> data = readAll(required(opt, "train"));
    TrainConfig c = config(opt, TrainConfig.intentDefault());
    int folds = Integer.parseInt(opt.getOrDefault("folds", "5"));
    PROGRESS.accept(folds + "-fold cross-validation of " + c);
    List<HeldOut> held = Trainer.crossValidate(data, c, TextNormalizerTokens.INTENT, folds, PROGRESS);
    Metrics metrics = new Metrics();
    held.forEach(h -> metrics.add(h.truth(), h.labels()[Trainer.argmax(h.probabilities())]));
    printMetrics(metrics, opt.containsKey("per-class"));
    if (opt.containsKey("ensemble")) {
      ensemble(data, held, opt, folds);
    }
    if (opt.containsKey("encoder")) {
      semanticCrossValidate(data, held, opt, folds);
    }
  }

  /** The semantic stage on the same folds: the vote alone, the blend at the given weight, a grid of weights. */
  private static void semanticCrossValidate(List<LabeledText> data, List<HeldOut> ngram, Map<String, String> opt, int folds) {
    SentenceEncoder encoder = SentenceEncoders.named(opt.get("encoder"));
    int maxPerLabel = Integer.parseInt(opt.getOrDefault("max-per-label", String.valueOf(SEMANTIC_MAX_PER_LABEL)));
    double weight = Double.parseDouble(opt.getOrDefault("semantic-weight", "0.5"));
    List<float[]> vectors = Encodings.encodeAll(encoder, data.stream().map(LabeledText::text).toList(), PROGRESS);
    List<HeldOut> votes = Trainer.semanticHeldOut(data, vectors, folds, maxPerLabel);
    Table t = new Table("model", "accuracy", "macro-F1");
    addRow(t, "n-gram model (" + TrainConfig.intentDefault().algorithm() + ")", ngram);
    addRow(t, "nearest examples alone (" + encoder.name() + ", k=10)", votes);
    addRow(t, "**blend, weight " + weight + "**", Trainer.blend(ngram, votes, weight));
    OUT.println();
    OUT.println("Semantic stage, " + folds + "-fold cross-validation (same folds):");
    t.print(OUT);
    Table grid = new Table("weight", "accuracy", "macro-F1");
    for (double w : new double[] {0.2, 0.35, 0.5, 0.65, 0.8}) {
      addRow(grid, Table.num(w), Trainer.blend(ngram, votes, w));
    }
    OUT.println();
    OUT.println("Other weights on the same folds (picking the best of these here would be optimistic):");
    grid.print(OUT);
    Table cascade = new Table("encoder skipped when the n-gram top probability is at least", "messages skipped", "accuracy");
    List<HeldOut> blended = Trainer.blend(ngram, votes, weight);
    for (double skip : new double[] {0.7, 0.8, 0.9, 0.95, 0.98}) {
      List<HeldOut> mixed = new ArrayList<>();
      int skipped = 0;
      for (int i = 0; i < ngram.size(); i++) {
        boolean sure = SemanticStage.sure(ngram.get(i).probabilities(), ngram.get(i).labels(), skip);
        skipped += sure ? 1 : 0;
        mixed.add(sure ? ngram.get(i) : blended.get(i));
      }
      Metrics m = new Metrics();
      mixed.forEach(h -> m.add(h.truth(), h.labels()[Trainer.argmax(h.probabilities())]));
      cascade.row(Table.num(skip), Table.pct((double) skipped / ngram.size()), Table.pct(m.accuracy()));
    }
    OUT.println();
    OUT.println("Weight " + weight + ", the encoder run only when the n-gram model is unsure (production: "
        + SemanticStage.SKIP_ABOVE + "):");
    cascade.print(OUT);
  }

  /** --skip-above for the tool's semantic evaluations: by default the encoder runs on every message. */
  private static double skipAbove(Map<String, String> opt) {
    return Double.parseDouble(opt.getOrDefault("skip-above", "2"));
  }

  private static void addRow(Table t, String name, List<HeldOut> held) {
    Metrics m = new Metrics();
    held.forEach(h -> m.add(h.truth(), h.labels()[Trainer.argmax(h.probabilities())]));
    t.row(name, Table.pct(m.accuracy()), Table.pct(m.macroF1()));
  }

  /**
   * Averages the held-out probabilities of the main model with those of a second model (e.g.
   * NAIVEBAYES:words,chars,stems) tempered by T: p = (1-w) p1 + w softmax(log p2 / T). Prints
   * one row per (w, T), on the same folds.
   */
  private static void ensemble(List<LabeledText> data, List<HeldOut> first, Map<String, String> opt, int folds) {
    String[] p = opt.get("ensemble").split(":");
    TrainConfig c2 = config(opt, TrainConfig.intentDefault()).withAlgorithm(p[0]).withFeatures(p[1]);
    PROGRESS.accept("second model for the ensemble: " + c2);
    List<HeldOut> second = Trainer.crossValidate(data, c2, TextNormalizerTokens.INTENT, folds, PROGRESS);
    List<Map<String, Double>> knn = null;
    if (opt.containsKey("knn")) {
      knn = knnHeldOut(data, folds, Integer.parseInt(opt.getOrDefault("knn", "10").equals("true") ? "10" : opt.get("knn")));
    }
    Table t = new Table("ensemble", "w", "T", "w kNN", "accuracy", "macro-F1");
    for (double wk : knn == null ? new double[] {0} : new double[] {0, 0.15, 0.3, 0.45}) {
    for (double w : new double[] {0, 0.2, 0.35, 0.5, 1}) {
      for (double temp : new double[] {1, 4, 16}) {
        if ((w == 0 || w == 1) && temp != 1 || w + wk > 1) {
          continue;
        }
        Metrics m = new Metrics();
        for (int i = 0; i < first.size(); i++) {
          HeldOut a = first.get(i);
          HeldOut b = second.get(i);
          Map<String, Double> bp = new HashMap<>();
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < b.labels().length; j++) {
            max = Math.max(max, Math.log(Math.max(1e-300, b.probabilities()[j])) / temp);
          }
          double z = 0;
          for (int j = 0; j < b.labels().length; j++) {
            double v = Math.exp(Math.log(Math.max(1e-300, b.probabilities()[j])) / temp - max);
            bp.put(b.labels()[j], v);
            z += v;
          }
          String best = null;
          double bestScore = -1;
          for (int j = 0; j < a.labels().length; j++) {
            double v = (1 - w - wk) * a.probabilities()[j] + w * bp.getOrDefault(a.labels()[j], 0.0) / z
                + (knn == null ? 0 : wk * knn.get(i).getOrDefault(a.labels()[j], 0.0));
            if (v > bestScore) {
              bestScore = v;
              best = a.labels()[j];
            }
          }
          m.add(a.truth(), best);
        }
        t.row(p[0] + "+" + p[1], w, temp, wk, Table.pct(m.accuracy()), Table.pct(m.macroF1()));
      }
    }
    }
    OUT.println();
    OUT.println("Ensemble of the model above with " + c2 + " (w: weight of the second model):");
    t.print(OUT);
  }

  private static void compare(Map<String, String> opt) {
    List<LabeledText> data = readAll(required(opt, "train"));
    int folds = Integer.parseInt(opt.getOrDefault("folds", "5"));
    Table t = new Table("algorithm", "features", "l2", "accuracy", "macro-F1", "train s/fold");
    List<String[]> results = new ArrayList<>();
    for (String spec : required(opt, "configs").split(";")) {
      String[] p = spec.trim().split(":");
      TrainConfig c = config(opt, TrainConfig.intentDefault()).withAlgorithm(p[0]).withFeatures(p[1]);
      if (p.length > 2) {
        c = c.withL2(Double.parseDouble(p[2]));
      }
      PROGRESS.accept("config " + c);
      long t0 = System.nanoTime();
      int maxFolds = Integer.parseInt(opt.getOrDefault("max-folds", String.valueOf(folds)));
      List<HeldOut> held = Trainer.crossValidate(data, c, TextNormalizerTokens.INTENT, folds, maxFolds, PROGRESS);
      double secs = (System.nanoTime() - t0) / 1e9 / Math.min(folds, maxFolds);
      Metrics metrics = new Metrics();
      held.forEach(h -> metrics.add(h.truth(), h.labels()[Trainer.argmax(h.probabilities())]));
      String[] row = {c.algorithm(), c.features(), c.algorithm().equals("MAXENT_QN") ? String.valueOf(c.l2()) : "-",
          Table.pct(metrics.accuracy()), Table.pct(metrics.macroF1()), String.format("%.0f", secs)};
      results.add(row);
      PROGRESS.accept(String.join(" | ", row));
    }
    results.forEach(r -> t.row((Object[]) r));
    OUT.println();
    t.print(OUT);
  }

  /** kNN label scores for every example, from the folds that did not see it (same folds as cv). */
  private static List<Map<String, Double>> knnHeldOut(List<LabeledText> data, int k, int neighbours) {
    int[] fold = Trainer.folds(data, k, 42);
    List<Map<String, Double>> out = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      out.add(null);
    }
    for (int f = 0; f < k; f++) {
      List<LabeledText> train = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        if (fold[i] != f) {
          train.add(data.get(i));
        }
      }
      dev.baton.nlp.intent.KnnScorer knn = new dev.baton.nlp.intent.KnnScorer(
          train, "words,chars,stems", TextNormalizerTokens.INTENT, neighbours);
      Metrics m = new Metrics();
      for (int i = 0; i < data.size(); i++) {
        if (fold[i] == f) {
          Map<String, Double> s = knn.scores(data.get(i).text());
          out.set(i, s);
          m.add(data.get(i).label(), s.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("?"));
        }
      }
      PROGRESS.accept(String.format("kNN fold %d/%d: accuracy %.2f%%", f + 1, k, 100 * m.accuracy()));
    }
    return out;
  }

  private static void pickThreshold(Map<String, String> opt) {
    IntentModel m = IntentModel.load(Path.of(required(opt, "model")));
    List<Scored> val = score(m, readAll(required(opt, "val")));
    Objective objective = Objective.valueOf(opt.getOrDefault("objective", "accuracy").toUpperCase());
    Result best = OosEvaluation.pick(val, objective);
    thresholdTable(val, best);
    OUT.println();
    OUT.printf("chosen threshold (%s on val): %.4f%n", objective.name().toLowerCase(), best.threshold());
  }

  static void thresholdTable(List<Scored> val, Result chosen) {
    Table t = new Table("threshold", "in-scope accuracy", "out-of-scope recall", "overall accuracy");
    for (double th : new double[] {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}) {
      Result r = OosEvaluation.at(val, th);
      t.row(Table.num(th), Table.pct(r.inScopeAccuracy()), Table.pct(r.oosRecall()), Table.pct(r.accuracy()));
    }
    t.row("**" + Table.num(chosen.threshold()) + "** (chosen)", Table.pct(chosen.inScopeAccuracy()),
        Table.pct(chosen.oosRecall()), Table.pct(chosen.accuracy()));
    OUT.println();
    t.print(OUT);
  }

  /**
   * Adds the semantic stage, indexed on the training data. Its weight is --semantic-weight, or the
   * one of a grid whose best threshold does best on val (printed).
   */
  private static IntentModel withSemanticChosenOnVal(
      IntentModel m, List<LabeledText> train, List<LabeledText> valData, Map<String, String> opt, Objective objective) {
    SentenceEncoder encoder = Encodings.cached(SentenceEncoders.named(opt.get("encoder")));
    int maxPerLabel = Integer.parseInt(opt.getOrDefault("max-per-label", String.valueOf(SEMANTIC_MAX_PER_LABEL)));
    List<float[]> vectors = Encodings.encodeAll(encoder, train.stream().map(LabeledText::text).toList(), PROGRESS);
    ExampleIndex index = ExampleIndex.build(train.stream().map(LabeledText::label).toList(), vectors, maxPerLabel);
    Encodings.encodeAll(encoder, valData.stream().map(LabeledText::text).toList(), PROGRESS);
    if (opt.containsKey("semantic-weight")) {
      return m.withSemantic(new SemanticStage(encoder, index, Double.parseDouble(opt.get("semantic-weight")),
          skipAbove(opt), Calibration.identity()));
    }
    Table t = new Table("weight", "threshold", "in-scope accuracy", "out-of-scope recall", "overall accuracy");
    IntentModel chosen = m;
    double chosenScore = -1;
    for (double w : new double[] {0, 0.2, 0.35, 0.5, 0.65, 0.8}) {
      IntentModel withW = m.withSemantic(new SemanticStage(encoder, index, w, skipAbove(opt), Calibration.identity()));
      Result r = OosEvaluation.pick(score(withW, valData), objective);
      t.row(Table.num(w), Table.num(r.threshold()), Table.pct(r.inScopeAccuracy()), Table.pct(r.oosRecall()), Table.pct(r.accuracy()));
      double sc = objective == Objective.ACCURACY ? r.accuracy() : r.inScopeAccuracy() + r.oosRecall();
      if (sc > chosenScore) {
        chosenScore = sc;
        chosen = withW;
      }
    }
    OUT.println();
    OUT.println("Semantic weight chosen on " + opt.get("val") + " with its best threshold: "
        + Table.num(chosen.semantic().weight()));
    t.print(OUT);
    return chosen;
  }

  private static void oos(Map<String, String> opt) {
    List<LabeledText> train = readAll(required(opt, "train"));
    List<LabeledText> valData = readAll(required(opt, "val"));
    TrainConfig c = config(opt, TrainConfig.intentDefault());
    int folds = Integer.parseInt(opt.getOrDefault("calibration-folds", "5"));
    Objective objective = Objective.valueOf(opt.getOrDefault("objective", "accuracy").toUpperCase());
    IntentModel m = Trainer.trainIntentModel(train, c, folds, "oos-eval", PROGRESS);
    if (opt.containsKey("out")) {
      m.save(Path.of(opt.get("out")));
    }
    if (opt.containsKey("encoder")) {
      m = withSemanticChosenOnVal(m, train, valData, opt, objective);
    }
    List<Scored> val = score(m, valData);
    Result best = OosEvaluation.pick(val, objective);
    OUT.println();
    OUT.println("Threshold chosen on " + opt.get("val") + " (objective: " + objective.name().toLowerCase() + "):");
    thresholdTable(val, best);
    // Transfer check: choose on one half of val, measure on the other.
    int[] half = Trainer.folds(valData, 2, 7);
    Table t = new Table("threshold chosen on", "threshold", "in-scope accuracy (other half)", "OOS recall (other half)");
    for (int h = 0; h < 2; h++) {
      List<Scored> a = new ArrayList<>();
      List<Scored> b = new ArrayList<>();
      for (int i = 0; i < val.size(); i++) {
        (half[i] == h ? a : b).add(val.get(i));
      }
      Result r = OosEvaluation.pick(a, objective);
      Result other = OosEvaluation.at(b, r.threshold());
      t.row("val half " + (h + 1), Table.num(r.threshold()), Table.pct(other.inScopeAccuracy()), Table.pct(other.oosRecall()));
    }
    OUT.println();
    OUT.println("Does the threshold transfer? Chosen on one half of val, measured on the other:");
    t.print(OUT);
    if (opt.containsKey("test")) {
      List<Scored> test = score(m, readAll(opt.get("test")));
      OUT.println();
      OUT.println("On " + opt.get("test") + " at the threshold chosen on val:");
      report(test, best.threshold(), false);
    }
  }
}
