package dev.baton.nlp.complaint;

import dev.baton.nlp.data.Csv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A message labelled complaint or not, and whether it is sarcastic ({@code null}: not labelled).
 *
 * @param text the message
 * @param complaint whether it complains ({@code null} when the file labels only sarcasm)
 * @param sarcasm whether it is sarcastic ({@code null} when the file does not say)
 */
public record ComplaintExample(String text, Boolean complaint, Boolean sarcasm) {

  /**
   * Reads Baton's {@code text,complaint[,sarcasm]} files, MultiDoGO's {@code *-complaint.csv},
   * iSarcasm ({@code tweet,sarcastic}: sarcasm only) and intent files ({@code text,label}: a
   * complaint when the label is {@code complaint}, Bitext's convention).
   */
  public static List<ComplaintExample> read(Path file) {
    List<ComplaintExample> out = new ArrayList<>();
    for (Map<String, String> row : Csv.read(file)) {
      String text = row.containsKey("text") ? row.get("text") : row.get("tweet");
      if (text == null || text.isBlank()) {
        continue;
      }
      Boolean complaint = row.containsKey("complaint") ? flag(row.get("complaint"))
          : row.containsKey("label") ? Boolean.valueOf(row.get("label").trim().equals("complaint")) : null;
      Boolean sarcasm = row.containsKey("sarcasm") ? flag(row.get("sarcasm"))
          : row.containsKey("sarcastic") ? flag(row.get("sarcastic")) : null;
      out.add(new ComplaintExample(text, complaint, sarcasm));
    }
    return out;
  }

  private static Boolean flag(String v) {
    return v == null || v.isBlank() ? null : Boolean.valueOf(v.trim().equals("1") || v.trim().equalsIgnoreCase("true"));
  }
}
