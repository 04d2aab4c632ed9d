package dev.baton.nlp.semantic;

import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

/** bge-small-en-v1.5 (quantized) in-process: 384 dimensions, a few milliseconds per message on one core. */
final class BgeSmallEncoder implements SentenceEncoder {
  private final BgeSmallEnV15QuantizedEmbeddingModel model = new BgeSmallEnV15QuantizedEmbeddingModel();

  @Override
  public String name() {
    return SentenceEncoders.BGE_SMALL;
  }

  @Override
  public float[] encode(String text) {
    // The model's tokenizer rejects an empty text; a message of spaces means nothing anyway.
    if (text == null || text.isBlank()) {
      return new float[model.dimension()];
    }
    return SentenceEncoder.normalize(model.embed(text).content().vector());
  }
}
