package dev.baton.nlp.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Baton's session over LangChain4j's bge-small files gives the vectors LangChain4j's own model
 * gives (the shipped semantic index was built with those), one message at a time or in a padded
 * batch; the cache hands back the vector it computed once.
 */
class BgeSmallEncoderTest {
  private static final List<String> TEXTS = List.of(
      "where is my order? I placed it last Monday",
      "hi",
      "I was charged twice for the same order and nobody replies to my emails, I want a refund now",
      "   ",
      "Quiero hablar con una persona");

  @Test
  void vectorsMatchTheReferenceImplementationAloneAndInABatch() {
    BgeSmallEncoder ours = new BgeSmallEncoder();
    BgeSmallEnV15QuantizedEmbeddingModel reference = new BgeSmallEnV15QuantizedEmbeddingModel();
    List<float[]> batch = ours.encodeAll(TEXTS);
    for (int i = 0; i < TEXTS.size(); i++) {
      String t = TEXTS.get(i);
      float[] alone = ours.encode(t);
      assertEquals(384, alone.length);
      if (t.isBlank()) {
        assertEquals(0, dot(alone, alone), 1e-9, "a blank text has no meaning");
        continue;
      }
      float[] ref = SentenceEncoder.normalize(reference.embed(t).content().vector());
      assertTrue(dot(alone, ref) > 0.999, "alone vs reference for '" + t + "': " + dot(alone, ref));
      // The int8 model quantizes activations per tensor, padding included: a batch moves a vector slightly.
      assertTrue(dot(batch.get(i), alone) > 0.99, "batch vs alone for '" + t + "': " + dot(batch.get(i), alone));
    }
    assertTrue(dot(ours.encode(TEXTS.get(0)), ours.encode(TEXTS.get(2))) < 0.95, "different texts, different vectors");
  }

  @Test
  void theSharedEncoderComputesEachTextOnce() {
    int[] calls = {0};
    SentenceEncoder counting = new SentenceEncoder() {
      @Override
      public String name() {
        return "counting";
      }

      @Override
      public float[] encode(String text) {
        calls[0]++;
        return new float[] {text.length(), 1};
      }
    };
    CachedSentenceEncoder cached = new CachedSentenceEncoder(counting, 2);
    float[] first = cached.encode("yes please");
    float[] again = cached.encode("yes please");
    assertEquals(1, calls[0]);
    assertTrue(first == again, "the same vector");
    cached.encode("no thanks");
    assertEquals(2, calls[0]);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
