package dev.baton.nlp.complaint;

import dev.baton.nlp.ComplaintDetector;
import dev.baton.nlp.ComplaintScore;
import dev.baton.nlp.TextNormalizer;
import dev.baton.nlp.features.Features;
import dev.baton.nlp.features.LexiconFeatures;
import dev.baton.nlp.sentiment.ServiceLexicon;
import dev.baton.nlp.sentiment.ServiceLexicon.Cue;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import opennlp.tools.doccat.DoccatModel;
import opennlp.tools.doccat.DocumentCategorizerME;

/**
 * A trained complaint / other model ({@link ComplaintTraining}) on the sentiment tokens, whose
 * features include the customer-service cues, then two documented rules for what a few thousand
 * examples cannot teach reliably:
 *
 * <ol>
 *   <li><b>Sarcasm about the service</b> ({@link Cue#SARCASM}: "thanks for nothing", "great,
 *       another delay", "love waiting 40 minutes on hold"): the score is at least
 *       {@value #SARCASM_FLOOR}. The cue needs a failure or waiting next to weak praise ("oh
 *       great"), so "oh great, it arrived early" is not sarcasm.
 *   <li><b>A failure with repetition or time passing</b> ({@link Cue#FAILURE} and
 *       {@link Cue#WAITING}: "still no reply after 2 weeks", "late again"): at least
 *       {@value #REPEATED_FAILURE_FLOOR}.
 * </ol>
 *
 * <p>Both floors sit above the default escalation threshold on purpose: these are the complaints
 * the model read as polite (sarcastic thanks) or as routine (facts without feeling words).
 */
public final class TrainedComplaintDetector implements ComplaintDetector {
  public static final String COMPLAINT = "complaint";
  public static final String OTHER = "other";
  static final String NAME_PROPERTY = "baton.name";
  static final double SARCASM_FLOOR = 0.85;
  static final double REPEATED_FAILURE_FLOOR = 0.8;
  /** Without its praise words, a message scoring this much is a complaint wrapped in praise. */
  static final double PRAISED_COMPLAINT = 0.5;

  private static final java.util.regex.Pattern MENTION = java.util.regex.Pattern.compile("@\\w+");

  private final DocumentCategorizerME model;
  private final int complaintIndex;
  private final String name;
  private final boolean rules;

  public TrainedComplaintDetector(DoccatModel m, boolean rules) {
    this.model = new DocumentCategorizerME(m);
    this.complaintIndex = model.getIndex(COMPLAINT);
    if (complaintIndex < 0) {
      throw new IllegalArgumentException("not a complaint model: no '" + COMPLAINT + "' category");
    }
    String n = m.getManifestProperty(NAME_PROPERTY);
    this.name = (n == null ? "complaint" : n) + (rules ? "" : "-norules");
    this.rules = rules;
  }

  public static TrainedComplaintDetector loadResources(String dir) {
    String resource = dir + "/complaint.bin";
    InputStream in = TrainedComplaintDetector.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("model resource not found: " + resource);
    }
    return new TrainedComplaintDetector(read(in), true);
  }

  public static TrainedComplaintDetector load(Path dir, boolean rules) {
    try {
      return new TrainedComplaintDetector(read(Files.newInputStream(dir.resolve("complaint.bin"))), rules);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve("complaint.bin"), e);
    }
  }

  private static DoccatModel read(InputStream in) {
    Features.allowLoading();
    try (InputStream b = new BufferedInputStream(in)) {
      return new DoccatModel(b);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load complaint model", e);
    }
  }

  @Override
  public ComplaintScore detect(String text) {
    // A tweet's @handles name the brand, not the complaint; without them "great, ..." opens the message.
    String[] tokens = TextNormalizer.sentimentTokens(text == null ? "" : MENTION.matcher(text).replaceAll(" "));
    Set<Cue> cues = ServiceLexicon.cues(tokens);
    double p = probability(tokens, cues);
    boolean sarcasm = cues.contains(Cue.SARCASM);
    if (rules) {
      if (!sarcasm && p < PRAISED_COMPLAINT) {
        // Praise opening or closing a complaint is sarcasm ("..., very useful"): score the rest.
        String[] rest = ComplaintCues.withoutEdgePraise(tokens);
        if (rest != tokens && rest.length > 0) {
          Set<Cue> restCues = ServiceLexicon.cues(rest);
          boolean praiseInside = restCues.contains(Cue.POSITIVE) || restCues.contains(Cue.GRATITUDE)
              || restCues.contains(Cue.RELIEF) || restCues.contains(Cue.NEGATED_NEGATIVE);
          // The rest must say what went wrong: a fragment such as "the crew were" is no complaint.
          boolean statesFailure = restCues.contains(Cue.FAILURE) || restCues.contains(Cue.NEGATED_POSITIVE)
              || (rest.length >= 4 && restCues.contains(Cue.WAITING));
          double pRest = praiseInside || !statesFailure ? 0 : probability(rest, restCues);
          if (pRest >= PRAISED_COMPLAINT) {
            sarcasm = true;
            p = Math.max(p, pRest);
          }
        }
      }
      if (sarcasm) {
        p = Math.max(p, SARCASM_FLOOR);
      }
      if ((cues.contains(Cue.FAILURE) && cues.contains(Cue.WAITING)) || ComplaintCues.repeatedContact(String.join(" ", tokens))) {
        p = Math.max(p, REPEATED_FAILURE_FLOOR);
      }
    }
    return new ComplaintScore(Math.round(p * 1000) / 1000.0, sarcasm);
  }

  private double probability(String[] tokens, Set<Cue> cues) {
    return model.categorize(tokens, Map.of(LexiconFeatures.CUES_KEY, cues))[complaintIndex];
  }

  @Override
  public String modelName() {
    return name;
  }
}
