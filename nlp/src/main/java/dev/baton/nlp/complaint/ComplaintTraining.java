package dev.baton.nlp.complaint;

import dev.baton.nlp.data.Csv;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import opennlp.tools.doccat.DoccatModel;

/**
 * Trains the shipped complaint model (complaint / other), on the sentiment model's tokens and
 * features (so the customer-service cues are features), from:
 *
 * <ul>
 *   <li>{@code baton/complaints.csv}: complaints as customers write them to brands (stated
 *       failures, repeated contact, sarcasm) and non-complaints (routine requests with context,
 *       thanks, praise, neutral statements), repeated {@value #BATON_REPEAT} times;
 *   <li>MultiDoGO train turns ({@code multidogo/train-complaint.csv}): disputecharge,
 *       reportbrokenphone, reportbrokensoftware as complaints; routine task intents, thanks and
 *       greetings as other;
 *   <li>Bitext: the {@code complaint} utterances as complaints; a sample of requests as other
 *       ({@value #BITEXT_OTHER}), leaving out the intents that report a problem
 *       ({@link #BITEXT_AMBIGUOUS});
 *   <li>GoEmotions train: comments tagged anger, annoyance or disappointment with no positive tag
 *       as complaints ({@value #GOEMOTIONS_EACH}), and as many neutral or positive ones as other.
 * </ul>
 *
 * <p>The held-out sets (baton/complaints-dev.csv, src/test/resources/complaint-heldout.csv,
 * src/test/resources/airline-tweets-heldout.csv, multidogo/dev-complaint.csv, isarcasm/test.csv)
 * are never read here.
 */
public final class ComplaintTraining {
  static final int BATON_REPEAT = 6;
  static final int BITEXT_OTHER = 2000;
  static final int GOEMOTIONS_EACH = 1500;
  /** Bitext intents whose requests state a problem: neither clearly a complaint nor routine. */
  static final Set<String> BITEXT_AMBIGUOUS = Set.of("payment_issue", "registration_problems", "get_refund", "track_refund");
  static final Set<String> GOEMOTIONS_COMPLAINING = Set.of("anger", "annoyance", "disappointment");
  /** All GoEmotions sources by default; {@code --complaint-sources} narrows for comparison. */
  static final List<String> SOURCES = List.of("baton", "multidogo", "bitext", "goemotions");

  private ComplaintTraining() {}

  public static TrainConfig config() {
    return new TrainConfig("MAXENT_QN", Features.SENTIMENT_DEFAULT, 150, 2, 1.0, 0, 2);
  }

  public static List<LabeledText> trainingSet(Path data, List<String> sources, Consumer<String> progress) {
    List<LabeledText> all = new ArrayList<>();
    if (sources.contains("baton")) {
      List<ComplaintExample> baton = ComplaintExample.read(data.resolve("baton/complaints.csv"));
      for (int r = 0; r < BATON_REPEAT; r++) {
        baton.forEach(x -> all.add(labelled(x.text(), x.complaint())));
      }
      progress.accept("written complaints/non-complaints: " + baton.size() + " x" + BATON_REPEAT);
    }
    if (sources.contains("multidogo")) {
      List<ComplaintExample> m = ComplaintExample.read(data.resolve("multidogo/train-complaint.csv"));
      m.forEach(x -> all.add(labelled(x.text(), x.complaint())));
      progress.accept("MultiDoGO train turns: " + m.size() + " (" + m.stream().filter(ComplaintExample::complaint).count() + " complaints)");
    }
    if (sources.contains("bitext")) {
      List<LabeledText> other = new ArrayList<>();
      int complaints = 0;
      for (LabeledText t : LabeledText.readCsv(data.resolve("bitext_customer_support/train.csv"), "label")) {
        if (t.label().equals("complaint")) {
          all.add(new LabeledText(t.text(), TrainedComplaintDetector.COMPLAINT));
          complaints++;
        } else if (!BITEXT_AMBIGUOUS.contains(t.label())) {
          other.add(new LabeledText(t.text(), TrainedComplaintDetector.OTHER));
        }
      }
      Collections.shuffle(other, new Random(11));
      all.addAll(other.subList(0, Math.min(BITEXT_OTHER, other.size())));
      progress.accept("Bitext: " + complaints + " complaints, " + Math.min(BITEXT_OTHER, other.size()) + " other requests");
    }
    if (sources.contains("goemotions")) {
      List<String> complaining = new ArrayList<>();
      List<String> calm = new ArrayList<>();
      for (Map<String, String> row : Csv.read(data.resolve("goemotions/train.csv"))) {
        List<String> labels = Arrays.asList(row.getOrDefault("label", "").split("\\|"));
        String sentiment = row.getOrDefault("sentiment", "");
        if (labels.stream().anyMatch(GOEMOTIONS_COMPLAINING::contains) && !sentiment.contains("positive")) {
          complaining.add(row.get("text"));
        } else if (sentiment.equals("neutral") || sentiment.equals("positive")) {
          calm.add(row.get("text"));
        }
      }
      Collections.shuffle(complaining, new Random(12));
      Collections.shuffle(calm, new Random(13));
      complaining.stream().limit(GOEMOTIONS_EACH).forEach(t -> all.add(new LabeledText(t, TrainedComplaintDetector.COMPLAINT)));
      calm.stream().limit(GOEMOTIONS_EACH).forEach(t -> all.add(new LabeledText(t, TrainedComplaintDetector.OTHER)));
      progress.accept("GoEmotions: " + GOEMOTIONS_EACH + " complaining, " + GOEMOTIONS_EACH + " calm comments");
    }
    return all;
  }

  private static LabeledText labelled(String text, Boolean complaint) {
    return new LabeledText(text, Boolean.TRUE.equals(complaint) ? TrainedComplaintDetector.COMPLAINT : TrainedComplaintDetector.OTHER);
  }

  /** Trains on {@code data} and writes {@code out/complaint.bin}. */
  public static void build(Path data, Path out, Map<String, String> opt, Consumer<String> progress) {
    List<String> sources = opt.containsKey("complaint-sources")
        ? Arrays.asList(opt.get("complaint-sources").split(",")) : SOURCES;
    List<LabeledText> train = trainingSet(data, sources, progress);
    TrainConfig c = config();
    if (opt.containsKey("complaint-l2")) {
      c = c.withL2(Double.parseDouble(opt.get("complaint-l2")));
    }
    long t0 = System.nanoTime();
    progress.accept("training complaint model " + c + " on " + train.size() + " examples");
    DoccatModel m = Trainer.train(train, c, TextNormalizerTokens.SENTIMENT);
    Map<String, String> manifest = new HashMap<>();
    manifest.put(TrainedComplaintDetector.NAME_PROPERTY, opt.getOrDefault("complaint-name", "complaint-1"));
    m = new DoccatModel(m.getLanguage(), m.getMaxentModel(), manifest, m.getFactory());
    try {
      Files.createDirectories(out);
      try (var o = Files.newOutputStream(out.resolve("complaint.bin"))) {
        m.serialize(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    progress.accept(String.format("complaint model trained in %.0f s, wrote %s", (System.nanoTime() - t0) / 1e9, out.resolve("complaint.bin")));
  }
}
