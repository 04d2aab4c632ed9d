package dev.baton.nlp.tool;

import dev.baton.nlp.SentimentAnalyzer;
import dev.baton.nlp.SentimentModels;
import dev.baton.nlp.SentimentScore;
import dev.baton.nlp.eval.Metrics;
import dev.baton.nlp.sentiment.SentimentExample;
import dev.baton.nlp.sentiment.TrainedSentimentAnalyzer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Evaluates the sentiment and emotion models on GoEmotions or customer-service CSVs. */
final class SentimentCommands {
  private SentimentCommands() {}

  static void evaluate(Map<String, String> opt, Consumer<String> progress) {
    boolean rules = !opt.containsKey("no-rules");
    SentimentAnalyzer a = opt.containsKey("models")
        ? TrainedSentimentAnalyzer.load(Path.of(opt.get("models")), rules)
        : rules ? SentimentModels.load() : TrainedSentimentAnalyzer.load(Path.of("nlp/src/main/resources/models/sentiment"), false);
    for (String file : NlpTool.required(opt, "test").split(",")) {
      List<SentimentExample> test = SentimentExample.read(Path.of(file));
      progress.accept("evaluating " + a.modelName() + " on " + test.size() + " examples from " + file);
      Metrics sentiment = new Metrics();
      int[][] tagCounts = new int[SentimentExample.TAGS.size()][3]; // tp, fp, fn
      long t0 = System.nanoTime();
      for (int i = 0; i < test.size(); i++) {
        SentimentExample x = test.get(i);
        SentimentScore s = a.analyze(x.text());
        sentiment.add(x.sentiment(), s.label());
        for (int k = 0; k < SentimentExample.TAGS.size(); k++) {
          String tag = SentimentExample.TAGS.get(k);
          boolean yes = s.emotions().getOrDefault(tag, 0.0) >= 0.5;
          boolean truth = x.emotions().contains(tag);
          if (yes && truth) {
            tagCounts[k][0]++;
          } else if (yes) {
            tagCounts[k][1]++;
          } else if (truth) {
            tagCounts[k][2]++;
          }
        }
        if (opt.containsKey("show-errors") && !x.sentiment().equals(s.label())) {
          System.out.println("  " + x.sentiment() + " -> " + s.label() + " " + s.score() + " | " + x.text());
        }
        if ((i + 1) % 2000 == 0) {
          progress.accept("analysed " + (i + 1) + "/" + test.size());
        }
      }
      progress.accept(String.format("%.1f µs per message", (System.nanoTime() - t0) / 1e3 / Math.max(1, test.size())));
      System.out.println();
      System.out.println("Sentiment on " + file + (rules ? "" : " (rules off)") + ":");
      NlpTool.printMetrics(sentiment, true);
      System.out.println();
      System.out.println("Emotion tags (score >= 0.5):");
      Table t = new Table("tag", "precision", "recall", "F1", "support");
      double sumF = 0;
      for (int k = 0; k < SentimentExample.TAGS.size(); k++) {
        int tp = tagCounts[k][0];
        int fp = tagCounts[k][1];
        int fn = tagCounts[k][2];
        double p = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double r = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
        sumF += f;
        t.row(SentimentExample.TAGS.get(k), Table.pct(p), Table.pct(r), Table.pct(f), tp + fn);
      }
      t.row("macro", "", "", Table.pct(sumF / SentimentExample.TAGS.size()), "");
      t.print(System.out);
    }
  }
}
