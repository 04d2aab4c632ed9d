package dev.baton.schemas.privacy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks personal data in free text, per a tenant's {@link PrivacyPolicy}. Pure and thread-safe.
 *
 * <ul>
 *   <li><b>Card numbers, always</b>: 13 to 19 digits, optionally in groups separated by one space
 *       or dash, starting with 2-6 (the ISO/IEC 7812 industries of payment cards) and passing the
 *       Luhn check, not glued to a letter or digit and not written after a {@code +}. Replaced by
 *       {@code [card ending 4242]} (the last four digits, which PCI DSS allows to display). The
 *       Luhn and prefix checks keep order numbers, tracking codes and other long numbers as they
 *       are, except the one in ten 13-19 digit numbers starting 2-6 that happens to pass Luhn.
 *   <li><b>Emails, if the policy says so</b>: {@code local@domain.tld}, replaced by {@value
 *       #EMAIL_MASK}.
 *   <li><b>Phone numbers, if the policy says so</b>: digits in groups (space, dash, dot or
 *       parentheses between them) that are international ({@code +} and 8-15 digits), national with
 *       a trunk prefix or area code ({@code 0} or {@code (} first, 9-13 digits) or North American
 *       {@code 415-555-2671}; replaced by {@value #PHONE_MASK}. A bare run of digits that starts
 *       with 1-9 is not taken for a phone number (it is more often an order number).
 * </ul>
 *
 * Masking is idempotent (masked text has no digit run long enough to be masked again), and text
 * with nothing to mask is returned as the same instance. Every pattern is possessive and anchored
 * at the start of its run, so the cost is linear in the length of the text.
 */
public final class Redactor {
  public static final String EMAIL_MASK = "[email]";
  public static final String PHONE_MASK = "[phone]";
  private static final String CARD_MASK = "[card ending %s]";

  /** Where a run of digits may start: not inside a word, a code, a decimal or after a {@code +}. */
  private static final String RUN_START = "(?<![\\p{L}\\p{N}+_%-]|\\d\\.)";

  /**
   * A card candidate: groups of digits joined by one space, no-break space or dash. Possessive and
   * anchored at the start of the run, so each run is read once.
   */
  private static final Pattern CARD_RUN =
      Pattern.compile(RUN_START + "\\d++(?:[ \\u00A0-]\\d++)*+");

  /**
   * A phone candidate: an optional {@code +}, then digits and parenthesised digits joined by at most
   * one space, no-break space, dash or dot.
   */
  private static final Pattern PHONE_RUN =
      Pattern.compile(
          RUN_START + "\\+?(?:\\(\\d++\\)|\\d++)(?:[ \\u00A0.-]?+(?:\\(\\d++\\)|\\d++))*+");

  /** Emails; the lookbehind starts a match only at the start of a local part (linear). */
  private static final Pattern EMAIL =
      Pattern.compile(
          "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]++(?:\\.[A-Za-z0-9-]++)++");

  private static final Pattern NANP = Pattern.compile("\\(?\\d{3}\\)?[ .-]?\\d{3}[ .-]\\d{4}");

  private Redactor() {}

  /** The text with card numbers, and the kinds the policy names, masked. Null stays null. */
  public static String redact(String text, PrivacyPolicy policy) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    if (policy.maskEmails()) {
      out = maskEmails(out);
    }
    out = maskCardNumbers(out);
    if (policy.maskPhones()) {
      out = maskPhones(out);
    }
    return out;
  }

  /** The text with every card number replaced by {@code [card ending NNNN]}. */
  public static String maskCardNumbers(String text) {
    if (text == null || !hasDigitRun(text, 13)) {
      return text;
    }
    Matcher m = CARD_RUN.matcher(text);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      if (followedByLetter(text, m.end())) {
        continue;
      }
      String masked = maskCardsInRun(m.group());
      if (masked != null) {
        if (out == null) {
          out = new StringBuilder(text.length());
        }
        out.append(text, last, m.start()).append(masked);
        last = m.end();
      }
    }
    if (out == null) {
      return text;
    }
    return out.append(text, last, text.length()).toString();
  }

  /** The text with every email address replaced by {@value #EMAIL_MASK}. */
  public static String maskEmails(String text) {
    if (text == null || text.indexOf('@') < 0) {
      return text;
    }
    Matcher m = EMAIL.matcher(text);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      String domain = m.group().substring(m.group().indexOf('@') + 1);
      String tld = domain.substring(domain.lastIndexOf('.') + 1);
      if (tld.length() < 2 || !tld.chars().allMatch(Character::isLetter)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, last, m.start()).append(EMAIL_MASK);
      last = m.end();
    }
    return out == null ? text : out.append(text, last, text.length()).toString();
  }

  /** The text with every phone number (see the class comment) replaced by {@value #PHONE_MASK}. */
  public static String maskPhones(String text) {
    if (text == null || !hasDigitRun(text, 3)) {
      return text;
    }
    Matcher m = PHONE_RUN.matcher(text);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      if (followedByLetter(text, m.end()) || !isPhone(m.group())) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, last, m.start()).append(PHONE_MASK);
      last = m.end();
    }
    return out == null ? text : out.append(text, last, text.length()).toString();
  }

  /** Whether the digits (separators ignored) pass the Luhn check; false without digits. */
  public static boolean luhnValid(CharSequence number) {
    int sum = 0;
    int count = 0;
    for (int i = number.length() - 1; i >= 0; i--) {
      char c = number.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (count++ % 2 == 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    return count > 0 && sum % 10 == 0;
  }

  /** Whether these digits (no separators) are a card number: length, industry, Luhn. */
  static boolean isCardNumber(String digits) {
    int n = digits.length();
    if (n < 13 || n > 19) {
      return false;
    }
    char first = digits.charAt(0);
    return first >= '2' && first <= '6' && luhnValid(digits);
  }

  /**
   * The run with its card numbers masked, or null if it holds none. The whole run is tried
   * first; a longer grouped run (a card written after a phone number, say) is searched for
   * consecutive groups that make a card.
   */
  private static String maskCardsInRun(String run) {
    String[] groups = run.split("[ \\u00A0-]");
    String all = String.join("", groups);
    if (isCardNumber(all)) {
      return mask(all);
    }
    if (groups.length < 2 || all.length() < 13) {
      return null;
    }
    // Consecutive groups: at most 19 digits each, so this is bounded by groups x 19.
    StringBuilder out = new StringBuilder(run.length());
    boolean found = false;
    int pos = 0; // index into run of the start of group i
    int i = 0;
    while (i < groups.length) {
      int end = cardEndingAt(groups, i);
      if (end > i) {
        StringBuilder digits = new StringBuilder();
        for (int g = i; g < end; g++) {
          digits.append(groups[g]);
        }
        int stop = pos;
        for (int g = i; g < end; g++) {
          stop += groups[g].length() + (g + 1 < end ? 1 : 0);
        }
        out.append(mask(digits.toString()));
        found = true;
        pos = stop;
        i = end;
      } else {
        out.append(run, pos, pos + groups[i].length());
        pos += groups[i].length();
        i++;
      }
      if (i < groups.length) {
        out.append(run.charAt(pos)); // the separator
        pos++;
      }
    }
    return found ? out.toString() : null;
  }

  /** The exclusive end of the longest card made of groups from {@code start}, or {@code start}. */
  private static int cardEndingAt(String[] groups, int start) {
    int best = start;
    int digits = 0;
    StringBuilder sb = new StringBuilder(19);
    for (int g = start; g < groups.length; g++) {
      digits += groups[g].length();
      if (digits > 19) {
        break;
      }
      sb.append(groups[g]);
      if (isCardNumber(sb.toString())) {
        best = g + 1;
      }
    }
    return best;
  }

  private static String mask(String digits) {
    return String.format(CARD_MASK, digits.substring(digits.length() - 4));
  }

  private static boolean isPhone(String run) {
    int digits = 0;
    for (int i = 0; i < run.length(); i++) {
      if (Character.isDigit(run.charAt(i))) {
        digits++;
      }
    }
    if (run.startsWith("+")) {
      return digits >= 8 && digits <= 15;
    }
    if (run.startsWith("0") || run.startsWith("(")) {
      return digits >= 9 && digits <= 13;
    }
    return NANP.matcher(run).matches();
  }

  private static boolean followedByLetter(String text, int end) {
    return end < text.length() && Character.isLetterOrDigit(text.charAt(end));
  }

  /** Cheap pre-check: whether the text has at least {@code min} digits at all. */
  private static boolean hasDigitRun(String text, int min) {
    int count = 0;
    for (int i = 0; i < text.length() && count < min; i++) {
      if (Character.isDigit(text.charAt(i))) {
        count++;
      }
    }
    return count >= min;
  }
}
