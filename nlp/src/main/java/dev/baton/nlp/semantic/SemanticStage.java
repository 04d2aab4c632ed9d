package dev.baton.nlp.semantic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.baton.nlp.intent.Calibration;
import dev.baton.nlp.intent.IntentModel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The semantic stage of an intent model: a sentence encoder, an index of the model's training
 * examples encoded by it, and how much their vote counts. The model's probabilities become
 * {@code (1 - weight) × n-gram model + weight × nearest-examples vote}, and the confidence of
 * the blend has its own calibration (fitted on held-out blends, like the n-gram model's). When the
 * n-gram model is already sure of an in-scope intent (probability at least {@code skipAbove}) the encoder is not run
 * and the n-gram model answers alone: on BANKING77 that skips 73% of the messages for 0.06
 * points of accuracy (nlp/README.md).
 *
 * @param encoder the encoder the index was built with
 * @param index the encoded training examples
 * @param weight the vote's share of the blend, in [0, 1]
 * @param skipAbove n-gram top probability from which the vote is skipped (above 1: never)
 * @param calibration maps the blend's top in-scope probability to how often it is right
 */
public record SemanticStage(
    SentenceEncoder encoder, ExampleIndex index, double weight, double skipAbove, Calibration calibration,
    Cache<String, ExampleIndex.Neighbours> recentNeighbours) {
  private static final String FORMAT = "baton-semantic-index-2";
  /** The default for {@code skipAbove}, chosen on BANKING77's cross-validation folds (nlp/README.md). */
  public static final double SKIP_ABOVE = 0.9;
  /** Messages of fewer words are left to the n-gram model (see IntentModel). */
  public static final int MIN_TOKENS = 2;

  public SemanticStage {
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("weight must be in [0, 1], was " + weight);
    }
  }

  public SemanticStage(SentenceEncoder encoder, ExampleIndex index, double weight, double skipAbove, Calibration calibration) {
    this(encoder, index, weight, skipAbove, calibration,
        Caffeine.newBuilder().maximumSize(CachedSentenceEncoder.DEFAULT_ENTRIES).build());
  }

  /**
   * The index's examples nearest to {@code text}, remembered: a tenant's stage asks for the same
   * message's neighbours after the default model did, and merges them with its own examples'
   * instead of scanning the index again.
   */
  public ExampleIndex.Neighbours nearest(String text) {
    return recentNeighbours.get(text == null ? "" : text, t -> index.nearest(encoder.encode(t)));
  }

  /**
   * Whether the n-gram model's probabilities {@code p} over {@code labels} leave enough doubt to
   * ask the nearest examples: unless it is sure of an in-scope intent. A sure "out of scope" is
   * still checked, since unfamiliar wording is exactly what the n-gram model mistakes for it.
   */
  public boolean wantsVote(double[] p, String[] labels) {
    return !sure(p, labels, skipAbove);
  }

  /** Whether the top probability is an in-scope intent's and at least {@code skipAbove}. */
  public static boolean sure(double[] p, String[] labels, double skipAbove) {
    int top = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[top]) {
        top = i;
      }
    }
    return p.length > 0 && p[top] >= skipAbove && !labels[top].equals(IntentModel.OOS);
  }

  /**
   * The n-gram model's probabilities {@code p}, blended with the vote for {@code text}; {@code
   * slots} from {@link #slotsFor} with the model's labels.
   */
  public double[] blend(double[] p, int[] slots, String text) {
    return blend(p, index.vote(nearest(text)), slots, weight);
  }

  /** Where each of the index's labels sits in {@code labels} (-1: not there); compute once per model. */
  public int[] slotsFor(String[] labels) {
    return slots(labels, index.labels());
  }

  /**
   * {@code (1 - w) p + w vote}, on {@code labels}' order; a voted label the n-gram model does not
   * know is dropped (both are trained on the same data, so there is none in practice).
   */
  public static double[] blend(double[] p, String[] labels, double[] vote, String[] voteLabels, double w) {
    return blend(p, vote, slots(labels, voteLabels), w);
  }

  /** {@code (1 - w) p + w vote}, the vote's labels placed by {@code slots} (from {@link #slotsFor}). */
  public static double[] blend(double[] p, double[] vote, int[] slots, double w) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (1 - w) * p[i];
    }
    for (int j = 0; j < vote.length; j++) {
      if (slots[j] >= 0) {
        out[slots[j]] += w * vote[j];
      }
    }
    return out;
  }

  /** Where each of {@code voteLabels} sits in {@code labels} (-1: not there). */
  public static int[] slots(String[] labels, String[] voteLabels) {
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < labels.length; i++) {
      at.put(labels[i], i);
    }
    int[] slots = new int[voteLabels.length];
    for (int j = 0; j < voteLabels.length; j++) {
      slots[j] = at.getOrDefault(voteLabels[j], -1);
    }
    return slots;
  }


  public void write(Path file) {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeUTF(FORMAT);
      out.writeUTF(encoder.name());
      out.writeDouble(weight);
      out.writeDouble(skipAbove);
      out.writeUTF(calibration.serialize());
      index.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Reads a stage written by {@link #write}; {@code encoder} must be the one it was built with
   * (vectors of another encoder would be meaningless, so a mismatch is an error).
   */
  public static SemanticStage read(InputStream in, SentenceEncoder encoder) {
    try (DataInputStream d = new DataInputStream(new BufferedInputStream(in))) {
      String format = d.readUTF();
      if (!format.equals(FORMAT)) {
        throw new IOException("not a semantic index (format '" + format + "')");
      }
      String built = d.readUTF();
      if (!built.equals(encoder.name())) {
        throw new IllegalArgumentException(
            "semantic index built with encoder " + built + ", not " + encoder.name());
      }
      double weight = d.readDouble();
      double skipAbove = d.readDouble();
      Calibration calibration = Calibration.parse(d.readUTF());
      return new SemanticStage(encoder, ExampleIndex.read(d), weight, skipAbove, calibration);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read semantic index", e);
    }
  }
}
