package dev.baton.nlp.complaint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.nlp.ComplaintDetector;
import dev.baton.nlp.ComplaintModels;
import dev.baton.nlp.ComplaintScore;
import dev.baton.nlp.IntentModels;
import dev.baton.nlp.SentimentAnalyzer;
import dev.baton.nlp.SentimentModels;
import dev.baton.nlp.SentimentScore;
import dev.baton.nlp.intent.IntentModel;
import dev.baton.tenant.EscalationRules;
import dev.baton.tenant.PhraseMatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Complaints caught and false escalations by all of the escalation rules' per-message signals
 * together (explicit-request phrases and intent, keywords, sensitive intents, sentiment below the
 * threshold, anger), as the handoff engine applies them with {@link EscalationRules#DEFAULTS}:
 * before the complaint signal (the sentiment as the model reads it) and after (the sentiment as
 * the service now emits it, and the complaint rule). Measured on sets never trained on:
 * {@code complaint-heldout.csv} (written for Baton apart from the training and dev examples),
 * {@code airline-tweets-heldout.csv} (50 airline tweets written before any measurement on them),
 * MultiDoGO dev turns (conversations apart from the train turns), and iSarcasm's test part.
 * The printed table is the one in nlp/README.md.
 */
class ComplaintSignalsTest {
  /** Floors a little under what the shipped model measured (nlp/README.md, "Realistic messages"). */
  static final double HELD_OUT_CAUGHT_FLOOR = 0.80;
  static final double HELD_OUT_FALSE_CEILING = 0.10;
  static final double AIRLINE_CAUGHT_FLOOR = 0.80;
  static final double AIRLINE_PRECISION_FLOOR = 0.90;
  /** 76% measured (19 of 25): one complaint of slack under the product's 75% airline target. */
  static final double AIRLINE_TWEETS_CAUGHT_FLOOR = 0.72;
  static final double MULTIDOGO_CAUGHT_FLOOR = 0.95;
  /**
   * MultiDoGO's routine turns include insurance questions, which the sensitive-intent rule
   * escalates by design (18% of them before the complaint signal): the ceiling bounds what the
   * complaint signal adds.
   */
  static final double MULTIDOGO_ADDED_FALSE_CEILING = 0.02;
  static final double HELD_OUT_SARCASM_RECALL_FLOOR = 0.45;

  static SentimentAnalyzer sentiment;
  static ComplaintDetector complaints;
  static IntentModel intents;
  static final EscalationRules RULES = EscalationRules.DEFAULTS;
  static final PhraseMatcher PHRASES = new PhraseMatcher(RULES.explicitRequestPhrases());
  static final PhraseMatcher KEYWORDS = new PhraseMatcher(RULES.keywords());

  record Row(ComplaintExample example, String style, String domain) {}

  /** What the signals say about one message, before and after the complaint signal. */
  record Verdict(boolean truth, boolean before, boolean after, boolean sarcasmSeen) {}

  @BeforeAll
  static void load() {
    sentiment = SentimentModels.load();
    complaints = ComplaintModels.load();
    intents = IntentModels.defaultModel();
  }

  static Path resource(String name) {
    try {
      return Path.of(ComplaintSignalsTest.class.getClassLoader().getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Row> heldOut() {
    return rows("complaint-heldout.csv");
  }

  static List<Row> rows(String resourceName) {
    List<Row> rows = new ArrayList<>();
    for (var r : dev.baton.nlp.data.Csv.read(resource(resourceName))) {
      rows.add(new Row(new ComplaintExample(r.get("text"), r.get("complaint").equals("1"), r.get("sarcasm").equals("1")),
          r.get("style"), r.get("domain")));
    }
    return rows;
  }



  static Verdict judge(ComplaintExample x) {
    boolean words1 = PHRASES.find(x.text()).isPresent() || KEYWORDS.find(x.text()).isPresent();
    IntentModel.Prediction intent = intents.predict(x.text());
    Set<String> intentRules = new HashSet<>(RULES.explicitRequestIntents());
    intentRules.addAll(RULES.sensitiveIntents());
    boolean intent1 = intent.confidence() >= RULES.confidenceThreshold() && intentRules.contains(intent.label());
    SentimentScore read = sentiment.analyze(x.text());
    ComplaintScore c = complaints.detect(x.text());
    SentimentScore emitted = c.correct(read);
    boolean before = words1 || intent1 || negative(read);
    boolean after = words1 || intent1 || negative(emitted) || c.score() >= RULES.complaintThreshold();
    return new Verdict(Boolean.TRUE.equals(x.complaint()), before, after, c.sarcasm());
  }

  static boolean negative(SentimentScore s) {
    return s.score() < RULES.sentimentThreshold() || s.emotions().getOrDefault("anger", 0.0) >= RULES.angerThreshold();
  }

  /** caught, false escalations (share of non-complaints), precision: before and after. */
  record Figures(String set, int complaints, int others, double caughtBefore, double falseBefore, double precisionBefore,
      double caughtAfter, double falseAfter, double precisionAfter) {
    String row() {
      return String.format(Locale.ROOT, "| %s | %d / %d | %.1f%% / %.1f%% (precision %.1f%%) | **%.1f%% / %.1f%%** (precision %.1f%%) |",
          set, complaints, others, 100 * caughtBefore, 100 * falseBefore, 100 * precisionBefore,
          100 * caughtAfter, 100 * falseAfter, 100 * precisionAfter);
    }
  }

  static Figures figures(String set, List<Verdict> v) {
    int pos = (int) v.stream().filter(Verdict::truth).count();
    int neg = v.size() - pos;
    return new Figures(set, pos, neg,
        share(v, x -> x.truth() && x.before(), pos), share(v, x -> !x.truth() && x.before(), neg),
        precision(v, Verdict::before), share(v, x -> x.truth() && x.after(), pos),
        share(v, x -> !x.truth() && x.after(), neg), precision(v, Verdict::after));
  }

  static double share(List<Verdict> v, Predicate<Verdict> p, int of) {
    return of == 0 ? 0 : (double) v.stream().filter(p).count() / of;
  }

  static double precision(List<Verdict> v, Predicate<Verdict> fired) {
    long all = v.stream().filter(fired).count();
    return all == 0 ? 0 : (double) v.stream().filter(fired).filter(Verdict::truth).count() / all;
  }

  static void print(Figures f) {
    System.out.println(f.row());
  }

  @Test
  void heldOutComplaintsAreCaughtWithFewFalseEscalationsWhereTheOldSignalsMissedThem() {
    List<Row> rows = heldOut();
    List<Verdict> all = new ArrayList<>();
    List<Verdict> tweets = new ArrayList<>();
    List<Verdict> chats = new ArrayList<>();
    List<Verdict> airline = new ArrayList<>();
    int sarcastic = 0;
    int sarcasmSeen = 0;
    int sarcasmFalse = 0;
    for (Row r : rows) {
      Verdict v = judge(r.example());
      all.add(v);
      (r.style().equals("tweet") ? tweets : chats).add(v);
      if (r.domain().equals("airline")) {
        airline.add(v);
      }
      if (r.example().sarcasm()) {
        sarcastic++;
        sarcasmSeen += v.sarcasmSeen() ? 1 : 0;
      } else if (v.sarcasmSeen()) {
        sarcasmFalse++;
      }
      if (v.truth() != v.after()) {
        System.out.println("  " + (v.truth() ? "missed" : "false escalation") + ": " + r.example().text());
      }
    }
    System.out.println("| set | complaints / others | before: caught / false escalations | after |");
    System.out.println("|---|---|---|---|");
    Figures f = figures("held-out written, all", all);
    Figures a = figures("… airline", airline);
    print(f);
    print(figures("… tweet-like", tweets));
    print(figures("… chat-like", chats));
    print(a);
    System.out.printf(Locale.ROOT, "sarcasm seen: %d of %d sarcastic messages, %d of %d others%n",
        sarcasmSeen, sarcastic, sarcasmFalse, rows.size() - sarcastic);

    assertEquals(rows.size(), all.size());
    assertTrue(all.size() >= 120, "the held-out set has at least 120 messages");
    assertTrue(f.caughtAfter() >= HELD_OUT_CAUGHT_FLOOR, f.row());
    assertTrue(f.falseAfter() <= HELD_OUT_FALSE_CEILING, f.row());
    assertTrue(a.caughtAfter() >= AIRLINE_CAUGHT_FLOOR && a.precisionAfter() >= AIRLINE_PRECISION_FLOOR, a.row());
    assertTrue((double) sarcasmSeen / sarcastic >= HELD_OUT_SARCASM_RECALL_FLOOR, sarcasmSeen + " of " + sarcastic);
    // The old signals alone miss the floor: the complaint signal is what meets it.
    assertFalse(f.caughtBefore() >= HELD_OUT_CAUGHT_FLOOR, f.row());
    assertFalse(a.caughtBefore() >= AIRLINE_CAUGHT_FLOOR, a.row());
  }

  @Test
  void airlineTweetsOfTheSecondHeldOutSetAreCaughtAtHighPrecision() {
    // Written before any measurement, apart from the training and dev examples: complaints about
    // delays, bags, rebooking, hold times, staff, seats, fees and Wi-Fi, often with no failure word.
    List<Verdict> v = new ArrayList<>();
    for (Row r : rows("airline-tweets-heldout.csv")) {
      Verdict x = judge(r.example());
      v.add(x);
      if (x.truth() != x.after()) {
        System.out.println("  airline " + (x.truth() ? "missed" : "false escalation") + ": " + r.example().text());
      }
    }
    Figures f = figures("airline tweets, second held-out set", v);
    print(f);

    assertTrue(v.size() >= 40 && f.complaints() * 2 == v.size(), f.row());
    assertTrue(f.caughtAfter() >= AIRLINE_TWEETS_CAUGHT_FLOOR && f.precisionAfter() >= AIRLINE_PRECISION_FLOOR, f.row());
    assertFalse(f.caughtBefore() >= AIRLINE_TWEETS_CAUGHT_FLOOR, f.row());
  }

  @Test
  void multidogoDevComplaintsAreCaughtAndRoutineTurnsAreNot() {
    List<Verdict> v = new ArrayList<>();
    for (ComplaintExample x : ComplaintExample.read(Path.of("data/multidogo/dev-complaint.csv"))) {
      v.add(judge(x));
    }
    Figures f = figures("MultiDoGO dev turns", v);
    print(f);

    assertTrue(f.caughtAfter() >= MULTIDOGO_CAUGHT_FLOOR, f.row());
    assertTrue(f.falseAfter() - f.falseBefore() <= MULTIDOGO_ADDED_FALSE_CEILING, f.row());
    assertFalse(f.caughtBefore() >= MULTIDOGO_CAUGHT_FLOOR, f.row());
  }

  @Test
  void sarcasticThanksAfterAStatedFailureDoesNotReadAsPositive() {
    for (String t : List.of("thanks for nothing", "great, another delay", "cheers for losing my parcel",
        "love waiting 40 minutes on hold")) {
      ComplaintScore c = complaints.detect(t);
      SentimentScore s = c.correct(sentiment.analyze(t));
      assertTrue(c.sarcasm(), t + ": " + c);
      assertTrue(c.score() >= RULES.complaintThreshold(), t + ": " + c);
      assertFalse(s.label().equals("positive"), t + ": " + s);
    }
    for (String t : List.of("thank you, that's all sorted now", "great, it arrived a day early!",
        "Hi, I placed an order on Friday, when will it be dispatched?")) {
      ComplaintScore c = complaints.detect(t);
      assertFalse(c.sarcasm(), t + ": " + c);
      assertTrue(c.score() < RULES.complaintThreshold(), t + ": " + c);
    }
  }

  @Test
  void isarcasmTestTweetsAreMostlyNotFlaggedAsSarcasticComplaints() {
    // General sarcasm about life ("the only thing I got from college is a caffeine addiction") is
    // not what the cues look for; the figure says how rarely they fire on tweets at large.
    List<ComplaintExample> test = ComplaintExample.read(Path.of("data/isarcasm/test.csv"));
    int sarcastic = 0;
    int seen = 0;
    int falseSeen = 0;
    for (ComplaintExample x : test) {
      boolean s = complaints.detect(x.text()).sarcasm();
      if (x.sarcasm()) {
        sarcastic++;
        seen += s ? 1 : 0;
      } else if (s) {
        falseSeen++;
      }
    }
    System.out.printf(Locale.ROOT, "iSarcasm test: sarcasm seen in %d of %d sarcastic tweets, %d of %d others%n",
        seen, sarcastic, falseSeen, test.size() - sarcastic);
    assertTrue(falseSeen <= 0.02 * (test.size() - sarcastic), falseSeen + " false");
  }
}
