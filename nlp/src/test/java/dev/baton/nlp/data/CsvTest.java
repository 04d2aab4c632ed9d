package dev.baton.nlp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void readsQuotedCommasQuotesAndLineBreaks() throws Exception {
    List<Map<String, String>> rows = Csv.read(new StringReader(
        "text,label\r\n\"hi, \"\"there\"\"\nsecond line\",greeting\nplain,other\n"));
    assertEquals(2, rows.size());
    assertEquals("hi, \"there\"\nsecond line", rows.get(0).get("text"));
    assertEquals("greeting", rows.get(0).get("label"));
    assertEquals("other", rows.get(1).get("label"));
  }

  @Test
  void writesWhatItReads() throws Exception {
    StringWriter w = new StringWriter();
    Csv.writeRow(w, "text", "intent");
    Csv.writeRow(w, "a \"quoted\", text\nwith a break", "x");
    List<Map<String, String>> rows = Csv.read(new StringReader(w.toString()));
    assertEquals("a \"quoted\", text\nwith a break", rows.get(0).get("text"));
  }
}
