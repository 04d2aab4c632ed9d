package dev.baton.nlp.semantic;

/** Turns a message into a unit-length vector; similar meanings give a high dot product. */
public interface SentenceEncoder {
  /** The encoder's name, recorded in a semantic index so an index is never read with another encoder. */
  String name();

  /** A unit-length embedding of the text. Thread-safe. */
  float[] encode(String text);

  /** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
  static float[] normalize(float[] v) {
    double sum = 0;
    for (float f : v) {
      sum += f * f;
    }
    if (sum > 0) {
      float inv = (float) (1 / Math.sqrt(sum));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }
}
