package dev.baton.intake.rest;

/**
 * What of a sender's input may reach a log line: at most {@value #MAX} characters, printable ASCII
 * only, everything else escaped as {@code \\uXXXX}, so that input can neither forge a line nor
 * flood the log.
 */
final class LogSafe {
  static final int MAX = 64;

  private LogSafe() {}

  static String bounded(String s) {
    if (s == null) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), MAX) + 8);
    int i = 0;
    for (; i < s.length() && out.length() < MAX; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F && c != '\\') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (i < s.length()) {
      out.append("...(").append(s.length()).append(" chars)");
    }
    return out.toString();
  }
}
