package dev.baton.nlp.semantic;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * bge-small-en-v1.5 (int8-quantized ONNX, as packaged by LangChain4j) run by ONNX Runtime in
 * process: 384 dimensions, the [CLS] token's hidden state, unit length. The model and tokenizer
 * files are LangChain4j's; the session is ours, so that the number of threads one message may
 * use is set ({@link #THREADS_PROPERTY}, default 1: on a shared two-core machine a second thread
 * per message buys little latency and costs the other services their core) and several
 * messages can be encoded in one pass ({@link #encodeAll}).
 */
final class BgeSmallEncoder implements SentenceEncoder {
  static final String MODEL = "bge-small-en-v1.5-q.onnx";
  static final String TOKENIZER = "bge-small-en-v1.5-q-tokenizer.json";
  /** System property, or environment variable {@code BATON_ENCODER_THREADS}: intra-op threads per message. */
  static final String THREADS_PROPERTY = "baton.encoder.threads";
  /**
   * Customer messages are far shorter; a pasted e-mail is cut here, which bounds a message's cost
   * (the model's cost grows with its length; BERT's own limit is 512).
   */
  static final int MAX_TOKENS = 128;
  private static final int DIMENSION = 384;

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean wantsTypeIds;

  BgeSmallEncoder() {
    try (InputStream model = resource(MODEL); InputStream vocab = resource(TOKENIZER);
        SessionOptions options = new SessionOptions()) {
      options.setIntraOpNumThreads(threads());
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(model.readAllBytes(), options);
      wantsTypeIds = session.getInputNames().contains("token_type_ids");
      tokenizer = HuggingFaceTokenizer.newInstance(vocab, Map.of(
          "padding", "false", "truncation", "true", "maxLength", String.valueOf(MAX_TOKENS)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the sentence encoder", e);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot start the sentence encoder", e);
    }
  }

  static int threads() {
    String v = System.getProperty(THREADS_PROPERTY, System.getenv("BATON_ENCODER_THREADS"));
    try {
      return v == null || v.isBlank() ? 1 : Math.max(1, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(THREADS_PROPERTY + " must be a whole number, was '" + v + "'", e);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = BgeSmallEncoder.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("resource not found: " + name);
    }
    return in;
  }

  @Override
  public String name() {
    return SentenceEncoders.BGE_SMALL;
  }

  @Override
  public float[] encode(String text) {
    return encodeAll(List.of(text == null ? "" : text)).get(0);
  }

  /**
   * The texts' embeddings from one pass of the model, padded to the longest: cheaper per text
   * than one pass each. The quantized model scales activations per tensor, padding included, so
   * a text's vector in a batch is within ~0.5% (cosine 0.995) of its vector alone.
   */
  List<float[]> encodeAll(List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    List<Encoding> encodings = new ArrayList<>(texts.size());
    int longest = 0;
    for (String t : texts) {
      // The tokenizer rejects an empty text; a message of spaces means nothing anyway.
      Encoding e = t == null || t.isBlank() ? null : tokenizer.encode(t, true, false);
      encodings.add(e);
      longest = Math.max(longest, e == null ? 0 : e.getIds().length);
    }
    if (longest == 0) {
      texts.forEach(t -> out.add(new float[DIMENSION]));
      return out;
    }
    int n = texts.size();
    long[] ids = new long[n * longest];
    long[] mask = new long[n * longest];
    long[] types = new long[n * longest];
    for (int i = 0; i < n; i++) {
      Encoding e = encodings.get(i);
      if (e == null) {
        continue; // a blank text: all padding, its vector is zero
      }
      long[] eIds = e.getIds();
      long[] eMask = e.getAttentionMask();
      long[] eTypes = e.getTypeIds();
      System.arraycopy(eIds, 0, ids, i * longest, eIds.length);
      System.arraycopy(eMask, 0, mask, i * longest, eMask.length);
      System.arraycopy(eTypes, 0, types, i * longest, eTypes.length);
    }
    long[] shape = {n, longest};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (wantsTypeIds) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        float[][][] hidden = (float[][][]) result.get(0).getValue();
        for (int i = 0; i < n; i++) {
          out.add(encodings.get(i) == null ? new float[DIMENSION] : SentenceEncoder.normalize(hidden[i][0].clone()));
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("sentence encoder failed", e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
    return out;
  }
}
