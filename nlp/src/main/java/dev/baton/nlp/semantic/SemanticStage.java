package dev.baton.nlp.semantic;

import dev.baton.nlp.intent.Calibration;
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
 * the blend has its own calibration (fitted on held-out blends, like the n-gram model's).
 *
 * @param encoder the encoder the index was built with
 * @param index the encoded training examples
 * @param weight the vote's share of the blend, in [0, 1]
 * @param calibration maps the blend's top in-scope probability to how often it is right
 */
public record SemanticStage(SentenceEncoder encoder, ExampleIndex index, double weight, Calibration calibration) {
  private static final String FORMAT = "baton-semantic-index-1";

  public SemanticStage {
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("weight must be in [0, 1], was " + weight);
    }
  }

  /** The n-gram model's probabilities {@code p} over {@code labels}, blended with the vote for {@code text}. */
  public double[] blend(double[] p, String[] labels, String text) {
    return blend(p, labels, index.vote(encoder.encode(text)), index.labels(), weight);
  }

  /**
   * {@code (1 - w) p + w vote}, on {@code labels}' order; a voted label the n-gram model does not
   * know is dropped (both are trained on the same data, so there is none in practice).
   */
  public static double[] blend(double[] p, String[] labels, double[] vote, String[] voteLabels, double w) {
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < labels.length; i++) {
      at.put(labels[i], i);
    }
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (1 - w) * p[i];
    }
    for (int j = 0; j < vote.length; j++) {
      Integer i = at.get(voteLabels[j]);
      if (i != null) {
        out[i] += w * vote[j];
      }
    }
    return out;
  }

  public void write(Path file) {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeUTF(FORMAT);
      out.writeUTF(encoder.name());
      out.writeDouble(weight);
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
      Calibration calibration = Calibration.parse(d.readUTF());
      return new SemanticStage(encoder, ExampleIndex.read(d), weight, calibration);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read semantic index", e);
    }
  }
}
