package dev.baton.nlp.tool;

import dev.baton.nlp.ComplaintDetector;
import dev.baton.nlp.ComplaintModels;
import dev.baton.nlp.ComplaintScore;
import dev.baton.nlp.complaint.ComplaintExample;
import dev.baton.nlp.complaint.TrainedComplaintDetector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Evaluates the complaint detector on files labelled complaint or not (and sarcastic or not). */
final class ComplaintCommands {
  private static final double[] GRID = {0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9};

  private ComplaintCommands() {}

  static void evaluate(Map<String, String> opt, Consumer<String> progress) {
    boolean rules = !opt.containsKey("no-rules");
    ComplaintDetector d = opt.containsKey("models")
        ? TrainedComplaintDetector.load(Path.of(opt.get("models")), rules)
        : rules ? ComplaintModels.load() : TrainedComplaintDetector.load(Path.of("nlp/src/main/resources/models/complaint"), false);
    double threshold = Double.parseDouble(opt.getOrDefault("threshold", "0.5"));
    for (String file : NlpTool.required(opt, "test").split(",")) {
      List<ComplaintExample> test = ComplaintExample.read(Path.of(file.trim()));
      progress.accept("evaluating " + d.modelName() + " on " + test.size() + " examples from " + file);
      List<ComplaintScore> scores = new ArrayList<>(test.size());
      long t0 = System.nanoTime();
      for (ComplaintExample x : test) {
        scores.add(d.detect(x.text()));
      }
      double micros = (System.nanoTime() - t0) / 1e3 / Math.max(1, test.size());
      System.out.println();
      System.out.printf("%s (%s, %d messages, %.1f µs per message):%n", file, d.modelName(), test.size(), micros);
      if (test.stream().anyMatch(x -> x.complaint() != null)) {
        Table t = new Table("threshold", "complaints caught", "false alarms (of non-complaints)", "precision");
        for (double g : GRID) {
          int[] c = counts(test, scores, g);
          t.row((g == threshold ? "**" + g + "**" : String.valueOf(g)),
              Table.pct(rate(c[0], c[0] + c[2])) + " (" + c[0] + "/" + (c[0] + c[2]) + ")",
              Table.pct(rate(c[1], c[1] + c[3])) + " (" + c[1] + "/" + (c[1] + c[3]) + ")",
              Table.pct(rate(c[0], c[0] + c[1])));
        }
        t.print(System.out);
      }
      if (test.stream().anyMatch(x -> x.sarcasm() != null)) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < test.size(); i++) {
          Boolean truth = test.get(i).sarcasm();
          if (truth == null) {
            continue;
          }
          boolean seen = scores.get(i).sarcasm();
          if (seen && truth) {
            tp++;
          } else if (seen) {
            fp++;
          } else if (truth) {
            fn++;
          }
        }
        System.out.printf("sarcasm seen: precision %s, recall %s (%d of %d sarcastic; %d false)%n",
            Table.pct(rate(tp, tp + fp)), Table.pct(rate(tp, tp + fn)), tp, tp + fn, fp);
      }
      if (opt.containsKey("show-errors")) {
        for (int i = 0; i < test.size(); i++) {
          ComplaintExample x = test.get(i);
          ComplaintScore s = scores.get(i);
          boolean wrong = x.complaint() != null && x.complaint() != (s.score() >= threshold);
          boolean sarcasmWrong = x.sarcasm() != null && x.sarcasm() != s.sarcasm() && x.complaint() != null;
          if (wrong || sarcasmWrong) {
            System.out.printf("  %s%s %.3f%s | %s%n", x.complaint() ? "complaint" : "other", Boolean.TRUE.equals(x.sarcasm()) ? "+sarcasm" : "",
                s.score(), s.sarcasm() ? " sarcasm" : "", x.text().replace('\n', ' '));
          }
        }
      }
    }
  }

  /** tp, fp, fn, tn at threshold t, over the examples labelled complaint or not. */
  static int[] counts(List<ComplaintExample> test, List<ComplaintScore> scores, double t) {
    int[] c = new int[4];
    for (int i = 0; i < test.size(); i++) {
      Boolean truth = test.get(i).complaint();
      if (truth == null) {
        continue;
      }
      boolean yes = scores.get(i).score() >= t;
      c[truth ? (yes ? 0 : 2) : (yes ? 1 : 3)]++;
    }
    return c;
  }

  private static double rate(int a, int b) {
    return b == 0 ? 0 : (double) a / b;
  }
}
