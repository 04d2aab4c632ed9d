package dev.baton.nlp;

import dev.baton.nlp.data.Csv;
import dev.baton.nlp.data.LabeledText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * Agents' corrections as training examples: each corrected intent is appended to a CSV
 * ({@code text,intent,tenant,recorded_at}) that {@code nlp-tool retrain --feedback FILE} adds to
 * the default model's training data. Thread-safe within one JVM; one writer per file.
 */
public final class FeedbackStore {
  static final String[] HEADER = {"text", "intent", "tenant", "recorded_at"};
  private final Path file;

  public FeedbackStore(Path file) {
    this.file = file;
  }

  /** Appends one corrected example; creates the file (and its folder) with a header if needed. */
  public synchronized void append(String tenantId, String text, String correctedIntent) {
    if (text == null || text.isBlank() || correctedIntent == null || correctedIntent.isBlank()) {
      throw new IllegalArgumentException("text and intent are required");
    }
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      boolean fresh = !Files.exists(file) || Files.size(file) == 0;
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND)) {
        if (fresh) {
          Csv.writeRow(w, HEADER);
        }
        Csv.writeRow(w, text.strip(), correctedIntent.strip(), tenantId == null ? "" : tenantId,
            Instant.now().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append feedback to " + file, e);
    }
  }

  /** The examples stored so far. */
  public synchronized List<LabeledText> examples() {
    return Files.exists(file) ? LabeledText.readCsv(file, "intent") : List.of();
  }

  public Path file() {
    return file;
  }
}
