package dev.baton.nlp.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Encodes many texts, reporting progress (the tool's training and evaluation runs). */
public final class Encodings {
  private Encodings() {}

  /** The encoder, remembering what it encoded (the tool scores the same texts several times). */
  public static SentenceEncoder cached(SentenceEncoder encoder) {
    Map<String, float[]> memo = new ConcurrentHashMap<>();
    return new SentenceEncoder() {
      @Override
      public String name() {
        return encoder.name();
      }

      @Override
      public float[] encode(String text) {
        return memo.computeIfAbsent(text, encoder::encode);
      }
    };
  }

  public static List<float[]> encodeAll(SentenceEncoder encoder, List<String> texts, Consumer<String> progress) {
    List<float[]> out = new ArrayList<>(texts.size());
    long start = System.nanoTime();
    for (int i = 0; i < texts.size(); i++) {
      out.add(encoder.encode(texts.get(i)));
      if ((i + 1) % 2000 == 0 || i + 1 == texts.size()) {
        progress.accept(String.format("encoded %d/%d with %s (%.0f s)",
            i + 1, texts.size(), encoder.name(), (System.nanoTime() - start) / 1e9));
      }
    }
    return out;
  }
}
