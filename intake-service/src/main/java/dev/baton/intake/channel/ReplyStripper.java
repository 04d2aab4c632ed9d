package dev.baton.intake.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The customer's own words of an email: the quoted history and the signature taken off, so that
 * the transcript and the assistant see the new turn only (the email as sent is kept beside it).
 * Maven Central has no maintained reply parser for Java, so this is a small one over the shapes
 * mail clients write (Mailgun's own {@code stripped-text} is preferred when it is there):
 *
 * <ul>
 *   <li>an attribution line, {@code On <date>, <name> wrote:} (also wrapped over two lines, and
 *       the French, German, Spanish, Dutch and Italian forms): it and everything after go;
 *   <li>Outlook's {@code -----Original Message-----}, a line of underscores, or a {@code From:}
 *       line followed by {@code Sent:}/{@code Date:}/{@code To:}/{@code Subject:} lines;
 *   <li>{@code >} quoted lines without an attribution (interleaved replies keep their own lines);
 *   <li>the signature delimiter {@code -- } and what follows, and a closing {@code Sent from my
 *       ...} / {@code Get Outlook for ...}.
 * </ul>
 *
 * HTML-only emails are turned into text with jsoup first, their {@code blockquote} and the quote
 * containers of Gmail, Outlook, Thunderbird and Yahoo removed.
 */
public final class ReplyStripper {
  private static final Pattern ATTRIBUTION = Pattern.compile(
      "^\\s*(On\\s.{1,300}\\swrote|Le\\s.{1,300}\\sa\\s[ée]crit|Am\\s.{1,300}\\sschrieb.{0,300}|El\\s.{1,300}\\sescribi[óo]"
          + "|Op\\s.{1,300}\\sschreef.{0,300}|Il\\s.{1,300}\\sha\\sscritto)\\s?:\\s*$",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ATTRIBUTION_START =
      Pattern.compile("^\\s*(On|Le|Am|El|Op|Il)\\s.{1,300}$", Pattern.CASE_INSENSITIVE);
  private static final Pattern ATTRIBUTION_END =
      Pattern.compile("^.{0,300}(wrote|a\\s[ée]crit|schrieb|escribi[óo]|schreef|ha\\sscritto)\\s?:\\s*$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern ORIGINAL_MESSAGE =
      Pattern.compile("^\\s*-{2,}\\s*(Original Message|Forwarded message|Ursprüngliche Nachricht|Message d'origine)\\s*-{2,}.*$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern UNDERSCORES = Pattern.compile("^\\s*_{10,}\\s*$");
  private static final Pattern HEADER_FROM = Pattern.compile("^\\s*\\*?(From|Von|De)\\*?:\\s.*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern HEADER_NEXT =
      Pattern.compile("^\\s*\\*?(Sent|Date|To|Subject|Cc|Gesendet|An|Betreff|Envoy[ée]|[ÀA]|Objet)\\*?:\\s.*$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern SIGNATURE = Pattern.compile("^--\\s?$");
  private static final Pattern MOBILE_SIGNATURE =
      Pattern.compile("^\\s*(Sent from my \\S.{0,40}|Get Outlook for \\S.{0,30}|Sent from Mail for Windows.{0,20})\\s*$",
          Pattern.CASE_INSENSITIVE);
  private static final Set<String> BLOCKS = Set.of("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
      "pre", "table", "ul", "ol", "hr");

  private ReplyStripper() {}

  /** The new text of a plain-text email; null when nothing of the customer's own remains. */
  public static String strip(String text) {
    if (text == null) {
      return null;
    }
    String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    // Trailing blanks go first: the patterns' \s*$ then never backtracks over a long run of them.
    for (int i = 0; i < lines.length; i++) {
      lines[i] = lines[i].stripTrailing();
    }
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (cutsHere(lines, i)) {
        break;
      }
      if (line.stripLeading().startsWith(">")) {
        continue;
      }
      kept.add(line.stripTrailing());
    }
    while (!kept.isEmpty() && (kept.get(kept.size() - 1).isBlank()
        || MOBILE_SIGNATURE.matcher(kept.get(kept.size() - 1)).matches())) {
      kept.remove(kept.size() - 1);
    }
    while (!kept.isEmpty() && kept.get(0).isBlank()) {
      kept.remove(0);
    }
    String out = String.join("\n", kept).strip();
    return out.isEmpty() ? null : out;
  }

  /** Whether the quoted history or the signature starts at line {@code i}. */
  private static boolean cutsHere(String[] lines, int i) {
    String line = lines[i];
    if (SIGNATURE.matcher(line).matches() || ORIGINAL_MESSAGE.matcher(line).matches()) {
      return true;
    }
    if (ATTRIBUTION.matcher(line).matches()) {
      return true;
    }
    // Clients wrap a long attribution: "On Tue, 3 Mar 2026 at 10:01, Alice Example" / "<a@b.c> wrote:".
    if (i + 1 < lines.length && ATTRIBUTION_START.matcher(line).matches()
        && ATTRIBUTION_END.matcher(lines[i + 1]).matches() && quotedAfter(lines, i + 2)) {
      return true;
    }
    if (UNDERSCORES.matcher(line).matches() && i + 1 < lines.length && HEADER_FROM.matcher(lines[i + 1]).matches()) {
      return true;
    }
    if (HEADER_FROM.matcher(line).matches()) {
      int headers = 0;
      for (int j = i + 1; j < Math.min(lines.length, i + 5); j++) {
        if (HEADER_NEXT.matcher(lines[j]).matches()) {
          headers++;
        }
      }
      return headers >= 2;
    }
    return false;
  }

  /** Whether the next non-blank line after {@code from} is quoted (or there is none). */
  private static boolean quotedAfter(String[] lines, int from) {
    for (int j = from; j < lines.length; j++) {
      if (!lines[j].isBlank()) {
        return lines[j].stripLeading().startsWith(">");
      }
    }
    return true;
  }

  /** The text of an HTML body, quote containers removed, then {@link #strip}ped. */
  public static String stripHtml(String html) {
    return strip(htmlText(html, true));
  }

  /** The whole text of an HTML body (quotes included), for the kept original. */
  public static String htmlText(String html) {
    return htmlText(html, false);
  }

  private static String htmlText(String html, boolean withoutQuotes) {
    if (html == null || html.isBlank()) {
      return null;
    }
    Document doc = Jsoup.parse(html);
    doc.select("head, script, style").remove();
    if (withoutQuotes) {
      doc.select("blockquote, .gmail_quote, .gmail_signature, .moz-cite-prefix, .moz-signature, .yahoo_quoted,"
          + " #appendonsend, [id^=mail-editor-reference-message]").remove();
      // Outlook on the web: the reply header block and everything after it are the history.
      Element outlook = doc.selectFirst("#divRplyFwdMsg");
      if (outlook != null) {
        Node n = outlook;
        while (n != null) {
          Node next = n.nextSibling();
          n.remove();
          n = next;
        }
      }
    }
    StringBuilder out = new StringBuilder();
    NodeTraversor.traverse(new NodeVisitor() {
      @Override
      public void head(Node node, int depth) {
        if (node instanceof TextNode t) {
          out.append(t.text());
        } else if (node instanceof Element e && e.normalName().equals("br")) {
          out.append('\n');
        }
      }

      @Override
      public void tail(Node node, int depth) {
        if (node instanceof Element e && BLOCKS.contains(e.normalName()) && !e.normalName().equals("br")) {
          out.append('\n');
        }
      }
    }, doc.body());
    String text = collapse(out.toString().replace('\u00A0', ' '));
    return text.isBlank() ? null : text.strip();
  }

  /**
   * Each line without its trailing blanks, and at most one empty line in a row: one pass, since a
   * backtracking pattern over long runs of blanks without a newline (an HTML body of a million
   * {@code <i> </i>}) takes quadratic time.
   */
  private static String collapse(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int newlines = 0;
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end).stripTrailing();
      if (line.isEmpty()) {
        newlines++;
      } else {
        out.append("\n".repeat(out.length() == 0 ? 0 : Math.min(newlines + 1, 2)));
        out.append(line);
        newlines = 0;
      }
      start = end + 1;
    }
    return out.toString();
  }
}
