package dev.baton.nlp.intent;

import dev.baton.nlp.data.Csv;
import dev.baton.nlp.data.LabeledText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Assembles the training set of the default intent model from the data under {@code nlp/data}:
 *
 * <ul>
 *   <li>Bitext customer-support train split: the 27 customer-service intents, plus {@value
 *       #AUGMENTED} of its examples with a product or circumstance added;
 *   <li>{@code baton/builtin-intents.csv}: more ways to ask for a person, and greeting / thanks /
 *       goodbye, with CLINC150's greeting, thank_you and goodbye examples;
 *   <li>the intents the escalation rules name that Bitext lacks ({@link #SENSITIVE_LABELS}): the
 *       MultiDoGO train turns whose intent maps to one of them ({@link #MULTIDOGO_INTENTS}), and
 *       {@code baton/sensitive-intents.csv}, customer messages written for Baton, each counted
 *       {@value #BATON_REPEAT} times;
 *   <li>{@code baton/everyday-intents.csv}: messages written for Baton as customers really write
 *       the common requests (with a story around them, typos, order numbers) and the boundaries
 *       between confusable intents, each counted {@value #BATON_REPEAT} times, and chatty
 *       out-of-scope messages, so that out of scope means "not a customer-service matter";
 *   <li>the {@value IntentModel#OOS} category, "none of these intents": CLINC150's out-of-scope
 *       examples, up to {@link #CLINC_PER_INTENT} examples of each CLINC150 intent from domains a
 *       customer-service bot does not handle (weather, music, recipes, travel, ...; intents that
 *       overlap with customer service or appointments are left out), and a sample of GoEmotions
 *       Reddit comments (chatter);
 *   <li>any feedback files (agents' corrections, see {@code FeedbackStore}).
 * </ul>
 */
public final class IntentData {
  public static final int CLINC_PER_INTENT = 40;
  public static final int GOEMOTIONS_SAMPLE = 1500;
  /** How many Bitext examples get a product or circumstance added ({@link #withProductContext}). */
  public static final int AUGMENTED = 4000;

  static final List<String> PRODUCTS =
      List.of("kettle", "sofa", "phone", "laptop", "trainers", "jacket", "tv", "headphones", "dress",
          "blender", "tyres", "mattress", "printer", "charger", "books", "camera", "vacuum cleaner",
          "coffee machine", "watch", "shoes", "desk", "lamp", "toys", "parcel", "package", "groceries",
          "tickets", "gift", "jeans", "fridge", "bike", "tablet", "perfume", "curtains", "glasses");
  static final List<String> CONTEXTS =
      List.of("for the %s", "about the %s", "it's the %s", "the %s I bought", "my %s",
          "regarding the %s I ordered", "for my %s", "the %s is broken", "the %s was damaged",
          "I ordered a %s", "it was a %s for my son", "the %s never came", "the %s from last week");

  /**
   * Labels added to Bitext's 27 for situations the escalation rules treat as sensitive, or that
   * customers raise and no Bitext intent covers (Bitext's complaint, get_refund, payment_issue,
   * cancel_order and delivery_period are kept for what they mean: a complaint in general, asking
   * for money back, a payment that fails, cancelling an order, when an order will come).
   */
  public static final List<String> SENSITIVE_LABELS =
      List.of("damage_report", "missing_or_wrong_item", "not_received", "return_exchange",
          "billing_dispute", "cancel_subscription", "pricing_negotiation", "legal", "health",
          "insurance");
  /**
   * MultiDoGO (train split only) intent → Baton label. Its reportbrokenphone turns are insurance
   * customers reporting a cracked or broken phone: a damaged item in Baton's terms.
   */
  public static final Map<String, String> MULTIDOGO_INTENTS =
      Map.of("disputecharge", "billing_dispute", "reportbrokenphone", "damage_report",
          "checkclaimstatus", "insurance", "getproofofinsurance", "insurance",
          "cancelserviceintent", "cancel_subscription");
  /** MultiDoGO examples kept at most per Baton label (a seeded sample; its insurance turns are many and alike). */
  public static final int MULTIDOGO_PER_LABEL = 350;
  /** How many times each example written for Baton counts: 46 a label against Bitext's ~800. */
  public static final int BATON_REPEAT = 4;

  static final Set<String> OOS_DOMAINS =
      Set.of("utility", "auto_and_commute", "travel", "kitchen_and_dining", "home", "work", "small_talk");
  /** CLINC150 intents too close to customer service or to the tenants' appointment intents. */
  static final Set<String> CLINC_EXCLUDED =
      Set.of("order_status", "order", "reminder", "reminder_update", "calendar", "calendar_update",
          "confirm_reservation", "cancel_reservation", "restaurant_reservation", "accept_reservations",
          "meeting_schedule", "schedule_meeting", "are_you_a_bot", "what_can_i_ask_you",
          "who_do_you_work_for", "make_call", "text", "lost_luggage", "shopping_list_update");
  static final Map<String, String> CLINC_BUILTIN =
      Map.of("greeting", "greeting", "thank_you", "thanks", "goodbye", "goodbye");

  private IntentData() {}

  public static List<LabeledText> defaultTrainingSet(Path data, Consumer<String> progress) {
    List<LabeledText> all = new ArrayList<>();
    List<LabeledText> bitext = LabeledText.readCsv(data.resolve("bitext_customer_support/train.csv"), "label");
    all.addAll(bitext);
    progress.accept("Bitext train: " + bitext.size());
    List<LabeledText> augmented = withProductContext(bitext, AUGMENTED, new Random(13));
    all.addAll(augmented);
    progress.accept("Bitext with product context added: " + augmented.size());
    List<LabeledText> builtin = LabeledText.readCsv(data.resolve("baton/builtin-intents.csv"), "label");
    all.addAll(builtin);
    all.addAll(multidogo(data.resolve("multidogo/train-sensitive.csv"), progress));
    List<LabeledText> written = LabeledText.readCsv(data.resolve("baton/sensitive-intents.csv"), "label");
    for (int i = 0; i < BATON_REPEAT; i++) {
      all.addAll(written);
    }
    progress.accept("Baton sensitive-intent examples: " + written.size() + " (each counted " + BATON_REPEAT + " times)");
    List<LabeledText> everyday = LabeledText.readCsv(data.resolve("baton/everyday-intents.csv"), "label");
    for (int i = 0; i < BATON_REPEAT; i++) {
      all.addAll(everyday);
    }
    progress.accept("Baton everyday examples: " + everyday.size() + " (each counted " + BATON_REPEAT + " times)");
    all.addAll(oosAndBuiltinFromClinc(data, progress));
    Random rnd = new Random(11);
    List<Map<String, String>> go = new ArrayList<>(Csv.read(data.resolve("goemotions/train.csv")));
    Collections.shuffle(go, rnd);
    int n = 0;
    for (Map<String, String> row : go) {
      if (n >= GOEMOTIONS_SAMPLE) {
        break;
      }
      all.add(new LabeledText(row.get("text"), IntentModel.OOS));
      n++;
    }
    progress.accept("GoEmotions chatter as oos: " + n);
    return all;
  }

  /**
   * Bitext is templated and names few products, so a real message that mentions a kettle or a
   * sofa looked unlike any in-scope example and fell to {@code oos}. This adds a product or
   * circumstance ("for the kettle", "it was a gift for my son") before or after randomly chosen
   * Bitext examples, keeping their intent.
   */
  static List<LabeledText> withProductContext(List<LabeledText> bitext, int n, Random rnd) {
    List<LabeledText> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      LabeledText t = bitext.get(rnd.nextInt(bitext.size()));
      String ctx = String.format(CONTEXTS.get(rnd.nextInt(CONTEXTS.size())), PRODUCTS.get(rnd.nextInt(PRODUCTS.size())));
      String text = rnd.nextBoolean() ? t.text() + " " + ctx : ctx + ", " + t.text();
      out.add(new LabeledText(text, t.label()));
    }
    return out;
  }

  /**
   * MultiDoGO customer turns whose intent is in {@link #MULTIDOGO_INTENTS}, under Baton's label:
   * distinct texts of at least three words (turns such as "reason" or "yes" carry no intent of
   * their own), at most {@link #MULTIDOGO_PER_LABEL} a label.
   */
  public static List<LabeledText> multidogo(Path file, Consumer<String> progress) {
    Map<String, List<String>> byLabel = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (Map<String, String> row : Csv.read(file)) {
      String label = MULTIDOGO_INTENTS.get(row.getOrDefault("intent", "").trim());
      String text = row.getOrDefault("text", "").trim();
      if (label != null && text.split("\\s+").length >= 3 && seen.add(text.toLowerCase(Locale.ROOT))) {
        byLabel.computeIfAbsent(label, k -> new ArrayList<>()).add(text);
      }
    }
    Random rnd = new Random(17);
    List<LabeledText> out = new ArrayList<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    byLabel.forEach((label, texts) -> {
      Collections.shuffle(texts, rnd);
      texts.subList(0, Math.min(MULTIDOGO_PER_LABEL, texts.size())).forEach(t -> out.add(new LabeledText(t, label)));
      counts.put(label, Math.min(MULTIDOGO_PER_LABEL, texts.size()));
    });
    progress.accept("MultiDoGO " + file.getFileName() + ": " + out.size() + " " + counts);
    return out;
  }

  static List<LabeledText> oosAndBuiltinFromClinc(Path data, Consumer<String> progress) {
    Map<String, List<String>> byIntent = new LinkedHashMap<>();
    List<LabeledText> out = new ArrayList<>();
    for (Map<String, String> row : Csv.read(data.resolve("clinc150/train.csv"))) {
      String label = row.get("label");
      String domain = row.getOrDefault("domain", "");
      if (label.equals("oos")) {
        out.add(new LabeledText(row.get("text"), IntentModel.OOS));
      } else if (CLINC_BUILTIN.containsKey(label)) {
        out.add(new LabeledText(row.get("text"), CLINC_BUILTIN.get(label)));
      } else if (OOS_DOMAINS.contains(domain) && !CLINC_EXCLUDED.contains(label)) {
        byIntent.computeIfAbsent(label, k -> new ArrayList<>()).add(row.get("text"));
      }
    }
    Random rnd = new Random(7);
    int n = 0;
    for (List<String> texts : byIntent.values()) {
      Collections.shuffle(texts, rnd);
      for (String t : texts.subList(0, Math.min(CLINC_PER_INTENT, texts.size()))) {
        out.add(new LabeledText(t, IntentModel.OOS));
        n++;
      }
    }
    progress.accept("CLINC150: " + out.size() + " (" + n + " other-domain examples from "
        + byIntent.size() + " intents as oos, plus oos rows, greeting/thanks/goodbye)");
    return out;
  }

  /**
   * A small stratified sample of the default training set, shipped with the model: a tenant's
   * start-up model learns its own intents against it ("everything else").
   */
  public static List<LabeledText> background(List<LabeledText> all, int perLabel, int oos, long seed) {
    Map<String, List<LabeledText>> byLabel = new LinkedHashMap<>();
    all.forEach(t -> byLabel.computeIfAbsent(t.label(), k -> new ArrayList<>()).add(t));
    Random rnd = new Random(seed);
    List<LabeledText> out = new ArrayList<>();
    byLabel.forEach((label, list) -> {
      List<LabeledText> copy = new ArrayList<>(list);
      Collections.shuffle(copy, rnd);
      int k = label.equals(IntentModel.OOS) ? oos : perLabel;
      out.addAll(copy.subList(0, Math.min(k, copy.size())));
    });
    return out;
  }

  /** Feedback CSVs (text,intent[,tenant,...]) as training examples. */
  public static List<LabeledText> feedback(List<Path> files) {
    List<LabeledText> out = new ArrayList<>();
    for (Path f : files) {
      if (Files.exists(f)) {
        out.addAll(LabeledText.readCsv(f, "intent"));
      }
    }
    return out;
  }
}
