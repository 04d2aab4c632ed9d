package dev.baton.nlp.bench;

import dev.baton.nlp.IntentClassifier;
import dev.baton.nlp.IntentModels;
import dev.baton.nlp.IntentScore;
import dev.baton.nlp.SentimentAnalyzer;
import dev.baton.nlp.SentimentModels;
import dev.baton.nlp.SentimentScore;
import dev.baton.nlp.SlotExtractor;
import dev.baton.nlp.semantic.SentenceEncoders;
import dev.baton.schemas.Slot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of classifying one message, as the services do it (nlp/README.md shows how to run it and
 * the figures). Messages cycle through a realistic mix so that no single input is cached.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClassifyBenchmark {
  static final String[] MESSAGES = {
    "where is my order ORD-12345? it was due on monday",
    "can I talk to a real person",
    "This is ridiculous, my parcel is late AGAIN!!",
    "what are your opening hours",
    "I need to move my appointment to next Friday afternoon",
    "thanks so much, that's sorted it",
    "what's the weather on Mars",
    "I was charged twice for the same order and nobody replies to my emails, I want a refund now",
  };

  private IntentClassifier intents;
  private SentimentAnalyzer sentiment;
  private dev.baton.nlp.ComplaintDetector complaints;
  private SlotExtractor slots;
  private int i;

  @Setup
  public void setUp() {
    intents = IntentModels.forTenant("demo-dental",
        Map.of("opening_hours", List.of("what are your opening hours", "when are you open")));
    sentiment = SentimentModels.load();
    complaints = dev.baton.nlp.ComplaintModels.load();
    slots = new SlotExtractor();
  }

  private String next() {
    i = (i + 1) % MESSAGES.length;
    return MESSAGES[i];
  }

  @Benchmark
  public IntentScore intent() {
    return intents.classify(next());
  }

  /** The demo-dental classifier on the default model with the semantic stage (routing.intent-encoder). */
  @State(Scope.Thread)
  public static class Semantic {
    IntentClassifier intents;
    int i;

    @Setup
    public void setUp() {
      intents = IntentModels.forTenant("demo-dental",
          Map.of("opening_hours", List.of("what are your opening hours", "when are you open")),
          IntentModels.defaultModel(SentenceEncoders.BGE_SMALL));
    }
  }

  /**
   * Every message new to the encoder's and the neighbours' caches (a number appended, as order
   * numbers and dates make real messages differ): the cost of a message the stage has not seen.
   */
  @Benchmark
  public IntentScore intentSemantic(Semantic s) {
    s.i++;
    return s.intents.classify(MESSAGES[s.i % MESSAGES.length] + " " + s.i);
  }

  /** The same eight messages over and over: what the caches save on repeats ("yes please", "thanks"). */
  @Benchmark
  public IntentScore intentSemanticRepeated(Semantic s) {
    s.i++;
    return s.intents.classify(MESSAGES[s.i % MESSAGES.length]);
  }

  @Benchmark
  public SentimentScore sentiment() {
    return sentiment.analyze(next());
  }

  @Benchmark
  public dev.baton.nlp.ComplaintScore complaint() {
    return complaints.detect(next());
  }

  @Benchmark
  public List<Slot> slots() {
    return slots.extract(next());
  }
}
