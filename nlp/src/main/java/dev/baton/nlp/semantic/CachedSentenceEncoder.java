package dev.baton.nlp.semantic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * An encoder that remembers its most recent embeddings, so a message is encoded once however many
 * stages ask (the default model's semantic stage, then the tenant's FAQ stage) and short repeats
 * ("yes please", "thanks") cost a lookup. Bounded: at 384 floats an entry is ~1.6 KB.
 */
public final class CachedSentenceEncoder implements SentenceEncoder {
  /** ~16 MB of vectors at most. */
  public static final int DEFAULT_ENTRIES = 10_000;

  private final SentenceEncoder encoder;
  private final Cache<String, float[]> recent;

  public CachedSentenceEncoder(SentenceEncoder encoder, int maxEntries) {
    this.encoder = encoder;
    this.recent = Caffeine.newBuilder().maximumSize(maxEntries).build();
  }

  @Override
  public String name() {
    return encoder.name();
  }

  /** The shared vector: callers must not modify it. */
  @Override
  public float[] encode(String text) {
    return recent.get(text == null ? "" : text, encoder::encode);
  }
}
