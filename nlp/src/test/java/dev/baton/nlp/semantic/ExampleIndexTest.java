package dev.baton.nlp.semantic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.nlp.intent.Calibration;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleIndexTest {
  private static final Random RANDOM = new Random(3);

  /** A unit vector near {@code centre} (noise of the given size). */
  private static float[] near(float[] centre, double noise) {
    float[] v = centre.clone();
    for (int i = 0; i < v.length; i++) {
      v[i] += (float) (RANDOM.nextGaussian() * noise);
    }
    return SentenceEncoder.normalize(v);
  }

  private static float[] axis(int dim, int i) {
    float[] v = new float[dim];
    v[i] = 1;
    return v;
  }

  private static ExampleIndex threeClusters(int perLabel, int maxPerLabel) {
    List<String> labels = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    String[] names = {"refund", "delivery", "oos"};
    for (int c = 0; c < names.length; c++) {
      for (int j = 0; j < perLabel; j++) {
        labels.add(names[c]);
        vectors.add(near(axis(16, c), 0.1));
      }
    }
    return ExampleIndex.build(labels, vectors, maxPerLabel);
  }

  @Test
  void votesForTheLabelOfTheNearestExamplesAndSumsToOne() {
    ExampleIndex index = threeClusters(20, 200);
    double[] vote = index.vote(near(axis(16, 1), 0.05));
    List<String> labels = List.of(index.labels());
    int delivery = labels.indexOf("delivery");
    assertTrue(vote[delivery] > 0.99, "a query in the delivery cluster votes delivery: " + vote[delivery]);
    assertEquals(1.0, vote[0] + vote[1] + vote[2], 1e-9);
  }

  @Test
  void aQueryBetweenTwoClustersSplitsTheVote() {
    ExampleIndex index = threeClusters(20, 200);
    float[] between = SentenceEncoder.normalize(new float[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    double[] vote = index.vote(between);
    List<String> labels = List.of(index.labels());
    assertTrue(vote[labels.indexOf("refund")] > 0.1 && vote[labels.indexOf("delivery")] > 0.1,
        "both near labels get a share");
    assertTrue(vote[labels.indexOf("oos")] < 0.01);
  }

  @Test
  void keepsAtMostMaxPerLabelReproducibly() {
    assertEquals(3 * 7, threeClusters(20, 7).size());
    assertEquals(3 * 5, threeClusters(5, 7).size());
  }

  @Test
  void aWrittenStageVotesAsTheOriginalAndRefusesAnotherEncoder(@TempDir Path dir) throws IOException {
    ExampleIndex index = threeClusters(30, 200);
    SentenceEncoder encoder = new FixedEncoder("test-encoder", near(axis(16, 2), 0.2));
    SemanticStage stage = new SemanticStage(encoder, index, 0.4, 0.9, Calibration.parse("0.1:0.2 0.9:0.8"));
    Path file = dir.resolve("semantic.bin");
    stage.write(file);

    SemanticStage read = SemanticStage.read(Files.newInputStream(file), encoder);
    assertEquals(0.4, read.weight());
    assertEquals(0.9, read.skipAbove());
    String[] labels = {"refund", "oos"};
    assertTrue(read.wantsVote(new double[] {0.85, 0.15}, labels));
    assertTrue(!read.wantsVote(new double[] {0.95, 0.05}, labels), "sure of an intent: no vote");
    assertTrue(read.wantsVote(new double[] {0.02, 0.98}, labels), "sure it is out of scope: still asked");
    assertEquals(stage.calibration().serialize(), read.calibration().serialize());
    assertArrayEquals(index.labels(), read.index().labels());
    float[] q = near(axis(16, 0), 0.3);
    assertArrayEquals(index.vote(q), read.index().vote(q), 0.02, "8-bit vectors vote as the originals");

    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> SemanticStage.read(Files.newInputStream(file), new FixedEncoder("other-encoder", q)));
    assertTrue(wrong.getMessage().contains("test-encoder"), wrong.getMessage());
    assertThrows(UncheckedIOException.class,
        () -> SemanticStage.read(new ByteArrayInputStream(new byte[] {0, 3, 'x', 'y', 'z'}), encoder));
  }

  @Test
  void blendsByLabelNameAndDropsLabelsTheModelDoesNotKnow() {
    double[] p = {0.6, 0.3, 0.1};
    String[] labels = {"a", "b", "c"};
    double[] vote = {0.5, 0.5};
    String[] voteLabels = {"c", "unknown"};
    assertArrayEquals(new double[] {0.3, 0.15, 0.3}, SemanticStage.blend(p, labels, vote, voteLabels, 0.5), 1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> new SemanticStage(new FixedEncoder("x", new float[1]), threeClusters(1, 1), 1.5, 0.9, Calibration.identity()));
  }

  /** An encoder that maps every text to one vector: the index and blend tests need no model. */
  private record FixedEncoder(String name, float[] vector) implements SentenceEncoder {
    @Override
    public float[] encode(String text) {
      return vector.clone();
    }
  }
}
