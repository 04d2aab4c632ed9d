package dev.baton.nlp.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One training or evaluation example: a text and its label. */
public record LabeledText(String text, String label) {

  /**
   * Reads a CSV with a {@code text} column and a label column ({@code label} by default, or
   * {@code intent}); rows with an empty text or label are skipped.
   */
  public static List<LabeledText> readCsv(Path file, String labelColumn) {
    return fromRows(Csv.read(file), labelColumn);
  }

  public static List<LabeledText> fromRows(List<Map<String, String>> rows, String labelColumn) {
    List<LabeledText> out = new ArrayList<>();
    for (Map<String, String> row : rows) {
      String text = row.get("text");
      String label = row.get(labelColumn);
      if (label == null && labelColumn.equals("label")) {
        label = row.get("intent");
      }
      if (text != null && label != null && !text.isBlank() && !label.isBlank()) {
        out.add(new LabeledText(text, label.trim()));
      }
    }
    return out;
  }
}
