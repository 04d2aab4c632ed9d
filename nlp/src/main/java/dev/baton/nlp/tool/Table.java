package dev.baton.nlp.tool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table, printed as Markdown so it can be pasted into a README. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final String[] header;

  Table(String... header) {
    this.header = header;
  }

  Table row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      r[i] = String.valueOf(cells[i]);
    }
    rows.add(r);
    return this;
  }

  void print(PrintStream out) {
    int[] w = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      w[i] = header[i].length();
    }
    for (String[] r : rows) {
      for (int i = 0; i < r.length && i < w.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    line(out, header, w);
    StringBuilder sep = new StringBuilder("|");
    for (int x : w) {
      sep.append("-".repeat(x + 2)).append('|');
    }
    out.println(sep);
    for (String[] r : rows) {
      line(out, r, w);
    }
  }

  private static void line(PrintStream out, String[] cells, int[] w) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < w.length; i++) {
      String c = i < cells.length ? cells[i] : "";
      sb.append(' ').append(c).append(" ".repeat(w[i] - c.length())).append(" |");
    }
    out.println(sb);
  }

  static String pct(double v) {
    return String.format("%.2f%%", 100 * v);
  }

  static String num(double v) {
    return String.format("%.3f", v);
  }
}
