package dev.baton.intake.service;

/**
 * Which characters a field may hold. Everything that is invisible or rearranges what a reader sees
 * is refused rather than stripped: the sender learns which field is wrong, and what Baton stores is
 * exactly what was signed.
 *
 * <ul>
 *   <li>{@link #LINE}: ids, names, phone, email, attribute values. No control character at all (C0,
 *       DEL, C1), no bidirectional formatting (U+200E/F, U+061C, U+202A-202E, U+2066-2069), no
 *       zero-width or invisible character (U+200B-200D, U+2060-2064, U+FEFF, U+00AD), no lone surrogate
 *       or non-character (U+FFFE/FFFF).
 *   <li>{@link #TEXT}: message text. The same, except that tab, line feed and carriage return are
 *       kept, and so are the zero-width joiner and non-joiner (U+200C/D), which emoji sequences and
 *       several scripts need.
 * </ul>
 */
public enum TextRules {
  LINE(false),
  TEXT(true);

  private final boolean multiline;

  TextRules(boolean multiline) {
    this.multiline = multiline;
  }

  /** The first refused code point of {@code s}, or -1 when there is none. */
  public int firstRefused(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (refused(cp) || Character.isSurrogate(s.charAt(i)) && Character.charCount(cp) == 1) {
        return cp;
      }
      i += Character.charCount(cp);
    }
    return -1;
  }

  /** A message for a field error naming the refused character, e.g. {@code U+202E}. */
  public String describe(int codePoint) {
    return "must not contain control, bidirectional-override or invisible characters (found U+"
        + String.format("%04X", codePoint) + ")";
  }

  private boolean refused(int cp) {
    if (multiline && (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x200C || cp == 0x200D)) {
      return false;
    }
    return cp < 0x20
        || (cp >= 0x7F && cp <= 0x9F)
        || cp == 0x00AD
        || cp == 0x061C
        || (cp >= 0x200B && cp <= 0x200F)
        || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2060 && cp <= 0x2069)
        || cp == 0xFEFF
        || cp == 0xFFFE
        || cp == 0xFFFF;
  }
}
