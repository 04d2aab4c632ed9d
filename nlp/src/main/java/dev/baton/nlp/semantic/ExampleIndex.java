package dev.baton.nlp.semantic;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Labelled example messages as unit vectors, and a vote of the nearest ones: the {@value #K}
 * examples most similar to a message, each weighted by {@code exp(SHARPNESS × similarity)}, give
 * a distribution over the labels. Nearest examples catch paraphrases that share no words with
 * the training data, which the n-gram model cannot. Immutable and thread-safe.
 */
public final class ExampleIndex {
  static final int K = 10;
  static final double SHARPNESS = 20;

  private final String[] labels;
  private final int[] labelOf;
  private final float[][] vectors;

  private ExampleIndex(String[] labels, int[] labelOf, float[][] vectors) {
    this.labels = labels;
    this.labelOf = labelOf;
    this.vectors = vectors;
  }

  /**
   * An index of the examples, at most {@code maxPerLabel} of each label (a reproducible random
   * sample of those with more).
   */
  public static ExampleIndex build(List<String> exampleLabels, List<float[]> exampleVectors, int maxPerLabel) {
    if (exampleLabels.size() != exampleVectors.size()) {
      throw new IllegalArgumentException("one label per vector");
    }
    Map<String, Integer> ids = new LinkedHashMap<>();
    Map<String, Integer> taken = new LinkedHashMap<>();
    List<Integer> labelOf = new ArrayList<>();
    List<float[]> kept = new ArrayList<>();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < exampleLabels.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(42));
    for (int i : order) {
      String label = exampleLabels.get(i);
      if (taken.merge(label, 1, Integer::sum) > maxPerLabel) {
        continue;
      }
      labelOf.add(ids.computeIfAbsent(label, l -> ids.size()));
      kept.add(exampleVectors.get(i));
    }
    return new ExampleIndex(
        ids.keySet().toArray(String[]::new),
        labelOf.stream().mapToInt(Integer::intValue).toArray(),
        kept.toArray(float[][]::new));
  }

  /** The labels {@link #vote} scores, in its order. */
  public String[] labels() {
    return labels.clone();
  }

  public int size() {
    return vectors.length;
  }

  /**
   * The {@value #K} examples nearest to a query, best first: their label ids in the index and
   * their similarities.
   */
  public record Neighbours(int[] labelIds, double[] similarities) {
    public int size() {
      return labelIds.length;
    }
  }

  /** A distribution over {@link #labels()} from the nearest examples to {@code query} (unit length). */
  public double[] vote(float[] query) {
    return vote(nearest(query));
  }

  /** The nearest examples to {@code query} (unit length). */
  public Neighbours nearest(float[] query) {
    int k = Math.min(K, vectors.length);
    int[] best = new int[k];
    double[] bestSim = new double[k];
    int found = 0;
    for (int i = 0; i < vectors.length; i++) {
      double s = dot(query, vectors[i]);
      if (found < k || s > bestSim[found - 1]) {
        // insertion into the short sorted list of the best so far
        int at = Math.min(found, k - 1);
        while (at > 0 && bestSim[at - 1] < s) {
          bestSim[at] = bestSim[at - 1];
          best[at] = best[at - 1];
          at--;
        }
        bestSim[at] = s;
        best[at] = i;
        found = Math.min(found + 1, k);
      }
    }
    int[] labelIds = new int[found];
    double[] sims = new double[found];
    for (int j = 0; j < found; j++) {
      labelIds[j] = labelOf[best[j]];
      sims[j] = bestSim[j];
    }
    return new Neighbours(labelIds, sims);
  }

  /** The vote of those neighbours over {@link #labels()}. */
  public double[] vote(Neighbours n) {
    return vote(n.labelIds(), n.similarities(), labels.length);
  }

  /**
   * The vote of the {@value #K} nearest among two sets of neighbours, as one index holding both
   * sets' examples would give it: {@code a}'s label ids mapped to outputs by {@code aToOut},
   * {@code b}'s by {@code bToOut}. Each list is sorted best first and holds its index's top
   * {@value #K}, so the union's top {@value #K} is among them.
   */
  public static double[] mergedVote(Neighbours a, int[] aToOut, Neighbours b, int[] bToOut, int outputs) {
    int k = Math.min(K, a.size() + b.size());
    int[] ids = new int[k];
    double[] sims = new double[k];
    int i = 0;
    int j = 0;
    for (int n = 0; n < k; n++) {
      boolean fromA = j >= b.size() || i < a.size() && a.similarities()[i] >= b.similarities()[j];
      if (fromA) {
        ids[n] = aToOut[a.labelIds()[i]];
        sims[n] = a.similarities()[i++];
      } else {
        ids[n] = bToOut[b.labelIds()[j]];
        sims[n] = b.similarities()[j++];
      }
    }
    return vote(ids, sims, outputs);
  }

  private static double[] vote(int[] ids, double[] sims, int outputs) {
    double[] out = new double[outputs];
    double total = 0;
    for (int j = 0; j < ids.length; j++) {
      // relative to the best match, so exp() cannot overflow
      double w = Math.exp(SHARPNESS * (sims[j] - sims[0]));
      out[ids[j]] += w;
      total += w;
    }
    for (int c = 0; c < out.length && total > 0; c++) {
      out[c] /= total;
    }
    return out;
  }

  /** Four independent sums: the CPU overlaps them (a single running sum waits on each add). */
  private static double dot(float[] a, float[] b) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int j = 0;
    for (int n = a.length - 3; j < n; j += 4) {
      s0 += a[j] * b[j];
      s1 += a[j + 1] * b[j + 1];
      s2 += a[j + 2] * b[j + 2];
      s3 += a[j + 3] * b[j + 3];
    }
    for (; j < a.length; j++) {
      s0 += a[j] * b[j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Writes the index with each vector quantized to 8 bits (a quarter of the size, same votes to ~1e-3). */
  void write(DataOutputStream out) throws IOException {
    out.writeInt(labels.length);
    for (String l : labels) {
      out.writeUTF(l);
    }
    int dim = vectors.length == 0 ? 0 : vectors[0].length;
    out.writeInt(vectors.length);
    out.writeInt(dim);
    byte[] row = new byte[dim];
    for (int i = 0; i < vectors.length; i++) {
      float max = 1e-12f;
      for (float f : vectors[i]) {
        max = Math.max(max, Math.abs(f));
      }
      for (int j = 0; j < dim; j++) {
        row[j] = (byte) Math.round(vectors[i][j] / max * 127);
      }
      out.writeInt(labelOf[i]);
      out.writeFloat(max / 127);
      out.write(row);
    }
  }

  static ExampleIndex read(DataInputStream in) throws IOException {
    String[] labels = new String[in.readInt()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = in.readUTF();
    }
    int n = in.readInt();
    int dim = in.readInt();
    int[] labelOf = new int[n];
    float[][] vectors = new float[n][dim];
    byte[] row = new byte[dim];
    for (int i = 0; i < n; i++) {
      labelOf[i] = in.readInt();
      if (labelOf[i] < 0 || labelOf[i] >= labels.length) {
        throw new IOException("corrupt semantic index: label id " + labelOf[i]);
      }
      float scale = in.readFloat();
      in.readFully(row);
      for (int j = 0; j < dim; j++) {
        vectors[i][j] = row[j] * scale;
      }
      SentenceEncoder.normalize(vectors[i]);
    }
    return new ExampleIndex(labels, labelOf, vectors);
  }
}
