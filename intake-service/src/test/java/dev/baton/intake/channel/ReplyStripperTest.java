package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The customer's new words of a reply, as the common mail clients quote and sign. */
class ReplyStripperTest {

  @Test
  void gmailsAttributionAndQuotesGo() {
    String text = "Yes, Tuesday at 3pm works.\r\n\r\nOn Mon, 2 Mar 2026 at 09:14, Bright Smile Dental <help@example.com> wrote:\r\n"
        + "> We can offer Tuesday at 3pm.\r\n>\r\n> Bright Smile\r\n";
    assertEquals("Yes, Tuesday at 3pm works.", ReplyStripper.strip(text));
  }

  @Test
  void aWrappedAttributionGoesToo() {
    String text = "Thanks!\n\nOn Mon, 2 Mar 2026 at 09:14, Bright Smile Dental Reception Team\n<help@example.com> wrote:\n\n> old\n";
    assertEquals("Thanks!", ReplyStripper.strip(text));
  }

  @Test
  void appleMailAndLocalisedAttributions() {
    assertEquals("Merci", ReplyStripper.strip("Merci\n\nLe 2 mars 2026 à 09:14, Help <h@x.example> a écrit :\n\n> Bonjour\n"));
    assertEquals("Danke", ReplyStripper.strip("Danke\n\nAm 02.03.2026 um 09:14 schrieb Help <h@x.example>:\n> Hallo\n"));
    assertEquals("Gracias", ReplyStripper.strip("Gracias\n\nEl lun, 2 mar 2026 a las 9:14, Help (<h@x.example>) escribió:\n> Hola\n"));
  }

  @Test
  void outlooksHeaderBlockAndOriginalMessageGo() {
    String outlook = "Please call me back.\r\n\r\n________________________________\r\nFrom: Bright Smile <help@example.com>\r\n"
        + "Sent: Monday, March 2, 2026 9:14 AM\r\nTo: Alice <alice@example.com>\r\nSubject: Your appointment\r\n\r\nOld text\r\n";
    assertEquals("Please call me back.", ReplyStripper.strip(outlook));
    String desktop = "See below.\r\n\r\nFrom: Help <help@example.com>\r\nSent: 02 March 2026 09:14\r\nTo: Alice\r\n"
        + "Subject: RE: x\r\n\r\nOld\r\n";
    assertEquals("See below.", ReplyStripper.strip(desktop));
    assertEquals("Fine.", ReplyStripper.strip("Fine.\n\n-----Original Message-----\nFrom: x\nOld\n"));
  }

  @Test
  void aFromLineInTheCustomersOwnWordsIsKept() {
    String text = "From: my experience the filling hurts.\nIt started on Monday.";
    assertEquals(text, ReplyStripper.strip(text));
  }

  @Test
  void theSignatureAndAMobileFooterGo() {
    assertEquals("My tooth hurts.", ReplyStripper.strip("My tooth hurts.\n\n-- \nAlice Example\n+44 20 7946 0000\n"));
    assertEquals("My tooth hurts.", ReplyStripper.strip("My tooth hurts.\n\nSent from my iPhone\n"));
    assertEquals("My tooth hurts.", ReplyStripper.strip("My tooth hurts.\n\nGet Outlook for Android\n"));
  }

  @Test
  void interleavedRepliesKeepTheCustomersLines() {
    String text = "> Which day suits you?\nFriday.\n> And the time?\nMorning, please.\n";
    assertEquals("Friday.\nMorning, please.", ReplyStripper.strip(text));
  }

  @Test
  void nonAsciiIsKeptAndAnAllQuotedReplyIsEmpty() {
    assertEquals("Grüße aus Köln 😀", ReplyStripper.strip("Grüße aus Köln 😀\n"));
    assertNull(ReplyStripper.strip("On Mon, 2 Mar 2026, Help <h@x.example> wrote:\n> only the quote\n"));
    assertNull(ReplyStripper.strip(null));
  }

  @Test
  void htmlBodiesLoseGmailsAndOutlooksQuoteContainers() {
    String gmail = "<div dir=\"ltr\">Yes please,<br>Tuesday.</div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">"
        + "On Mon, 2 Mar 2026 Help wrote:<br></div><blockquote class=\"gmail_quote\">We can offer Tuesday.</blockquote></div>";
    assertEquals("Yes please,\nTuesday.", ReplyStripper.stripHtml(gmail));
    String outlook = "<html><body><p>Call me &amp; thanks.</p><div id=\"appendonsend\"></div><hr>"
        + "<div id=\"divRplyFwdMsg\"><b>From:</b> Help</div><div>Old text</div></body></html>";
    assertEquals("Call me & thanks.", ReplyStripper.stripHtml(outlook));
    assertEquals("Old text kept <script>", ReplyStripper.htmlText("<p>Old text kept &lt;script&gt;</p><script>x()</script>"));
  }

  /**
   * Hostile bodies well inside the 10 MiB limit; the timeout (in its own thread: a regex ignores
   * interrupts) fails a pass that is not linear again.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void longRunsOfBlanksWithoutANewlineAreReadInOnePass() {
    int n = 500_000;
    String html = "<div>Hello" + "<i> </i>".repeat(n) + "there</div><p>Bye   </p>\n\n\n\n<p>  </p><p>Now</p>";
    String text = ReplyStripper.htmlText(html);
    assertEquals("Hello" + " ".repeat(n) + "there\nBye\n\nNow", text);
    assertEquals(text, ReplyStripper.stripHtml(html));

    String plain = "Hi" + " \t".repeat(2_000_000) + "x\n" + "wrote:" + " ".repeat(2_000_000) + "\n" + "-".repeat(1_000_000);
    String stripped = ReplyStripper.strip(plain);
    assertEquals("Hi" + " \t".repeat(2_000_000) + "x", stripped.substring(0, stripped.indexOf('\n')));
    assertEquals(3, stripped.split("\n").length);
  }
}
