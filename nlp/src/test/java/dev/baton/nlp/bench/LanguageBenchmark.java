package dev.baton.nlp.bench;

import dev.baton.nlp.LanguageDetector;
import dev.baton.schemas.DetectedLanguage;
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

/** Cost of detecting the language of one message ({@code nlp/bin/nlp-bench LanguageBenchmark}). */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LanguageBenchmark {
  static final String[] MESSAGES = {
    "Where is my order? I placed it last Monday and haven't heard anything since.",
    "Wann haben Sie am Samstag geöffnet?",
    "Le colis est indiqué comme livré, mais je n'ai rien reçu.",
    "ok",
    "¿Puedo cambiar todavía la dirección de entrega?",
    "Ik wacht al drie weken op mijn terugbetaling.",
    "order 4471902",
    "È possibile spostare il mio appuntamento dal dentista alla prossima settimana?",
  };

  private LanguageDetector detector;
  private int i;

  @Setup
  public void setUp() {
    detector = LanguageDetector.shared();
  }

  @Benchmark
  public DetectedLanguage detect() {
    i = (i + 1) % MESSAGES.length;
    return detector.detect(MESSAGES[i]);
  }
}
