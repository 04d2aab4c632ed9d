package dev.baton.e2e;

import static dev.baton.e2e.Desktop.row;
import static dev.baton.e2e.Desktop.testId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.IntentFeedback;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;

/**
 * The agent desktop in real browsers against the five packaged services on a real broker: two
 * agents of the desk tenant's reception queue (dan, erin) and its supervisor (sue), each in a
 * headless Chromium, while a customer writes through the signed webhook. The tenant is new in
 * every run ({@link TestTenants#DESK_TENANT}), so its queues and loads start empty. Screenshots of the main screens go
 * to {@code e2e-tests/target/screenshots/}.
 */
class DesktopBrowserTest {
  private static final Duration ARRIVAL = Duration.ofSeconds(60);
  /** An action's answer, or an event on an open stream. */
  private static final Duration LIVE = Duration.ofSeconds(20);
  /** How soon the other agents see a claim: "taken" must show before they try. */
  private static final Duration TAKEN = Duration.ofSeconds(1);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path SCREENSHOTS = Path.of(System.getProperty("baton.root", ".."))
      .toAbsolutePath().normalize().resolve("e2e-tests/target/screenshots");

  private static CallbackReceiver callbacks;
  private static BatonProcesses baton;
  private static Desktop dan;
  private static Desktop erin;
  private static Desktop sue;

  @BeforeAll
  static void startBatonAndBrowsers() throws Exception {
    callbacks = new CallbackReceiver();
    baton = new BatonProcesses(callbacks.url(""));
    baton.awaitReady(Duration.ofMinutes(3));
    String page = baton.url("agent-gateway", "/");
    dan = new Desktop("dan");
    dan.signIn(page, TestTenants.DAN_TOKEN);
    erin = new Desktop("erin");
    erin.signIn(page, TestTenants.ERIN_TOKEN);
    sue = new Desktop("sue");
    sue.signIn(page, TestTenants.SUE_TOKEN);
  }

  @AfterAll
  static void stopBrowsersAndBaton() {
    for (Desktop d : new Desktop[] {dan, erin, sue}) {
      if (d != null) {
        d.close();
      }
    }
    if (baton != null) {
      baton.close();
    }
    if (callbacks != null) {
      callbacks.close();
    }
  }

  /** On a failure, every desktop as it was, next to the screenshots of the main screens. */
  @RegisterExtension
  static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      for (Desktop d : new Desktop[] {dan, erin, sue}) {
        if (d != null) {
          System.err.println("failure screenshot: "
              + d.screenshot(SCREENSHOTS, "failed-" + context.getRequiredTestMethod().getName() + "-" + d.name() + ".png"));
        }
      }
    }
  };

  /** No script error and no CSP violation on any desktop, whatever the test did. */
  @AfterEach
  void pagesRanClean() {
    for (Desktop d : List.of(dan, erin, sue)) {
      assertEquals(List.of(), d.pageErrors(), "errors logged by a desktop page");
    }
  }

  @Test
  void twoAgentsAndASupervisorWorkOneHandoffLive() throws Exception {
    String conversation = "desk-" + UUID.randomUUID();
    String first = "I want to speak to someone about my order";
    assertEquals(202, post(message(conversation, first)).statusCode());

    // Both agents of the queue see the handoff arrive: a new unread row, the title counts it.
    for (Desktop d : List.of(dan, erin)) {
      await("handoff on " + d).atMost(ARRIVAL).ignoreExceptions()
          .until(() -> d.find(row(conversation)).isDisplayed());
      assertEquals("Ana Desk", rowField(d, conversation, "row-customer"));
      assertEquals("reception", rowField(d, conversation, "row-skill"));
      assertTrue(rowField(d, conversation, "row-priority").matches("P[1-4]"), rowField(d, conversation, "row-priority"));
      assertNotNull(rowField(d, conversation, "row-unread"), "unread badge");
      assertTrue(d.title().matches("\\(\\d+\\) Baton"), d.title());
    }
    // The waiting time ticks on its own.
    String waited = rowField(dan, conversation, "row-wait");
    await("waiting time ticks").atMost(Duration.ofSeconds(5))
        .until(() -> !waited.equals(rowField(dan, conversation, "row-wait")));
    dan.screenshot(SCREENSHOTS, "queue.png");

    // erin has it open when dan claims it: she sees it taken within a second.
    erin.awaitAndClick(row(conversation), LIVE);
    dan.awaitAndClick(row(conversation), LIVE);
    await().atMost(LIVE).ignoreExceptions().until(() -> dan.text("conv-id").equals(conversation));
    assertFalse(dan.all(testId("turn")).isEmpty(), "the handoff's transcript is shown");
    dan.click("claim");
    await("dan's claim answered").atMost(LIVE).ignoreExceptions()
        .until(() -> dan.text("action-result").startsWith("Claimed"));
    long claimed = System.nanoTime();
    await("erin sees dan has it").atMost(TAKEN).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> erin.text("conv-owner").equals("Dan"));
    System.out.printf("erin saw the claim %d ms after dan's page had its answer%n", (System.nanoTime() - claimed) / 1_000_000);
    await("out of erin's unassigned queue").atMost(TAKEN).pollInterval(Duration.ofMillis(50))
        .until(() -> erin.all(row(conversation)).isEmpty());
    assertEquals("assigned", erin.text("conv-status").toLowerCase());

    // erin claims anyway: the refusal says who has it, it never reads as done.
    erin.click("claim");
    await("erin's claim refused").atMost(LIVE).ignoreExceptions()
        .until(() -> erin.find(testId("action-result")).getDomAttribute("class").contains("error"));
    String refusal = erin.text("action-result");
    assertTrue(refusal.toLowerCase().contains("dan"), refusal);
    assertFalse(refusal.startsWith("Claimed"), refusal);
    System.out.println("erin's refused claim reads: " + refusal);
    erin.screenshot(SCREENSHOTS, "claim-refused.png");

    // The customer writes again: dan sees it live, without a reload.
    dan.script("window.batonNoReload = true;");
    String again = "My order number is 48213 and it has not arrived";
    assertEquals(202, post(message(conversation, again)).statusCode());
    await("the customer's new message on dan's desktop").atMost(ARRIVAL).ignoreExceptions()
        .until(() -> turnTexts(dan).contains(again));
    assertEquals(Boolean.TRUE, dan.script("return window.batonNoReload === true;"));

    // dan replies (Shift+Enter a new line, Enter sends): it reaches the customer's callback.
    dan.find(testId("reply-input")).sendKeys("Hi Ana, I'm Dan.", Keys.chord(Keys.SHIFT, Keys.ENTER),
        "Let me look at order 48213.", Keys.ENTER);
    String reply = "Hi Ana, I'm Dan.\nLet me look at order 48213.";
    await("dan's reply at the callback").atMost(ARRIVAL)
        .until(() -> delivered(conversation).stream().anyMatch(m -> m.sender() == Speaker.AGENT && reply.equals(m.text())));
    assertEquals("", dan.find(testId("reply-input")).getDomProperty("value"), "the reply box is emptied once sent");
    await("dan's reply in his transcript").atMost(LIVE).ignoreExceptions()
        .until(() -> turnTexts(dan).contains(reply));

    // The customer reads it (as the intake reports it): the mark on dan's reply follows, live.
    OutboundMessage sent = delivered(conversation).stream()
        .filter(m -> m.sender() == Speaker.AGENT && reply.equals(m.text())).findFirst().orElseThrow();
    TestTopics.publish(Topics.DELIVERY_STATUSES, new DeliveryStatus(SchemaVersions.CURRENT, TestTenants.DESK_TENANT,
        conversation, sent.messageId(), Channel.WEBCHAT, DeliveryStatus.Status.READ, Instant.now(), "webhook", null,
        List.of()));
    await("the read mark on dan's reply").atMost(LIVE).ignoreExceptions()
        .until(() -> "READ".equals(turnWith(dan, reply).get("delivery")));
    assertEquals("\u2713\u2713", turnWith(dan, reply).get("deliveryMark"));

    // dan corrects the intent of the first customer message: it lands on intent-feedback.
    dan.find(testId("transcript")).findElement(testId("correct-intent")).click();
    dan.find(testId("intent-input")).sendKeys("order_status", Keys.ENTER);
    await("intent correction accepted").atMost(LIVE).ignoreExceptions()
        .until(() -> dan.find(testId("intent-saved")).isDisplayed());
    IntentFeedback feedback = await("intent-feedback record").atMost(ARRIVAL)
        .until(() -> TestTopics.read(Topics.INTENT_FEEDBACK, f -> f.conversationId().equals(conversation), Duration.ofSeconds(2))
            .stream().findFirst().orElse(null), f -> f != null);
    assertEquals("order_status", feedback.correctedIntent());
    assertEquals("dan", feedback.agentId());
    assertEquals(first, feedback.text());
    dan.screenshot(SCREENSHOTS, "conversation.png");

    // The supervisor's team view: dan is online and carries the conversation.
    sue.click("view-team");
    await("dan carries one conversation").atMost(LIVE).ignoreExceptions()
        .until(() -> agentField(sue, "dan", "agent-load").startsWith("1 /"));
    assertEquals("online", agentField(sue, "dan", "agent-presence").toLowerCase());
    assertTrue(Integer.parseInt(sue.text("stat-online")) >= 2, sue.text("stat-online"));
    sue.screenshot(SCREENSHOTS, "supervisor.png");

    // dan resolves it with a code: the supervisor's view follows without a reload.
    dan.click("resolve");
    dan.select("resolve-code", TestTenants.RESOLUTION_CODES.get(0));
    dan.click("resolve-submit");
    await("dan's resolve answered").atMost(LIVE).ignoreExceptions()
        .until(() -> dan.text("action-result").startsWith("Resolved"));
    await("the supervisor sees dan free again").atMost(LIVE).ignoreExceptions()
        .until(() -> agentField(sue, "dan", "agent-load").startsWith("0 /"));
    assertEquals("resolved", dan.text("conv-status").toLowerCase());
    sue.screenshot(SCREENSHOTS, "supervisor-after-resolve.png");
  }

  @Test
  void markupACustomerWritesIsShownAsTextAndNeverRuns() throws Exception {
    String conversation = "desk-" + UUID.randomUUID();
    assertEquals(202, post(message(conversation, "I want to speak to someone")).statusCode());
    erin.awaitAndClick(row(conversation), ARRIVAL);
    await().atMost(LIVE).ignoreExceptions().until(() -> erin.text("conv-id").equals(conversation));

    String markup = "<img src=x onerror=alert(1)> is anyone there?";
    assertEquals(202, post(message(conversation, markup)).statusCode());
    await("the message on erin's desktop").atMost(ARRIVAL).ignoreExceptions()
        .until(() -> turnTexts(erin).contains(markup));
    await("the message in the supervisor's queue").atMost(LIVE).ignoreExceptions().until(() -> {
      sue.click("view-desk");
      sue.click("tab-all");
      return markup.equals(rowField(sue, conversation, "row-last"));
    });
    for (Desktop d : List.of(erin, sue)) {
      assertEquals(0L, d.script("return document.querySelectorAll('img').length;"), "an img element on " + d);
      assertThrows(NoAlertPresentException.class, () -> d.driver().switchTo().alert(), "an alert on " + d);
    }
    erin.screenshot(SCREENSHOTS, "markup-as-text.png");
  }

  @Test
  void anAgentNotesTransfersAndHandsBackFromTheDesktop() throws Exception {
    String conversation = "desk-" + UUID.randomUUID();
    try {
      dan.click("tab-unassigned");
      assertEquals(202, post(message(conversation, "I want to speak to someone about my delivery")).statusCode());
      dan.awaitAndClick(row(conversation), ARRIVAL);
      await().atMost(LIVE).ignoreExceptions().until(() -> dan.text("conv-id").equals(conversation));
      dan.click("claim");
      await("dan's claim answered").atMost(LIVE).ignoreExceptions()
          .until(() -> dan.text("action-result").startsWith("Claimed"));

      // An internal note: in dan's transcript as a note, marked as not sent to the customer.
      String note = "Customer sounds upset, check courier " + UUID.randomUUID().toString().substring(0, 6);
      dan.click("mode-note");
      dan.type("reply-input", note, Keys.ENTER);
      await("dan's note added").atMost(LIVE).ignoreExceptions()
          .until(() -> dan.text("action-result").equals("Note added"));
      assertEquals("", dan.find(testId("reply-input")).getDomProperty("value"), "the note box is emptied once added");
      await("the note in dan's transcript").atMost(LIVE).ignoreExceptions()
          .until(() -> turnWith(dan, note) != null);
      Map<String, String> noted = turnWith(dan, note);
      assertEquals("NOTE", noted.get("speaker"), noted.toString());
      assertTrue(noted.get("who").startsWith("Internal note"), noted.toString());
      assertEquals("\"not sent to the customer\"", noted.get("mark"), noted.toString());

      // A canned reply, sent with Enter: it reaches the customer; the note, added before it, never does.
      dan.click("mode-reply");
      dan.select("canned-select", "0");
      String canned = "Thanks for waiting, I'm looking into it now.";
      assertEquals(canned, dan.find(testId("reply-input")).getDomProperty("value"), "the canned reply in the box");
      dan.type("reply-input", Keys.ENTER);
      await("the canned reply at the callback").atMost(ARRIVAL)
          .until(() -> delivered(conversation).stream().anyMatch(m -> m.sender() == Speaker.AGENT && canned.equals(m.text())));
      await("the note never at the callback").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
          .until(() -> delivered(conversation).stream().noneMatch(m -> m.text() != null && m.text().contains(note)));

      // dan transfers it to erin: hers under Mine within seconds, no longer his.
      dan.click("tab-mine");
      await("in dan's Mine").atMost(LIVE).ignoreExceptions().until(() -> dan.find(row(conversation)).isDisplayed());
      erin.click("tab-mine");
      assertTrue(erin.all(row(conversation)).isEmpty(), "not erin's before the transfer");
      dan.click("transfer");
      await("the transfer dialog").atMost(LIVE).ignoreExceptions().until(() -> dan.dialogOpen("transfer-dialog"));
      assertTrue(dan.find(testId("transfer-kind-agent")).isSelected(), "to an agent by default");
      dan.select("transfer-agent", "erin");
      dan.screenshot(SCREENSHOTS, "transfer-dialog.png");
      dan.click("transfer-submit");
      await("dan's transfer answered").atMost(LIVE).ignoreExceptions()
          .until(() -> dan.text("action-result").equals("Transferred"));
      await("in erin's Mine").atMost(Duration.ofSeconds(5)).ignoreExceptions()
          .until(() -> erin.find(row(conversation)).isDisplayed());
      await("out of dan's Mine").atMost(Duration.ofSeconds(5))
          .until(() -> dan.all(row(conversation)).isEmpty());

      // The supervisor has it open: erin's.
      sue.click("view-desk");
      sue.click("tab-all");
      sue.awaitAndClick(row(conversation), LIVE);
      await("sue sees erin has it").atMost(LIVE).ignoreExceptions()
          .until(() -> sue.text("conv-id").equals(conversation) && sue.text("conv-owner").equals("Erin"));

      // erin hands it back to the bot with a message: the bot says it to the customer.
      erin.awaitAndClick(row(conversation), LIVE);
      await().atMost(LIVE).ignoreExceptions()
          .until(() -> erin.text("conv-owner").equals("you") && erin.find(testId("hand-back")).isEnabled());
      String goodbye = "Your parcel is on its way; the assistant can help with anything else.";
      erin.click("hand-back");
      await("the hand-back dialog").atMost(LIVE).ignoreExceptions().until(() -> erin.dialogOpen("handback-dialog"));
      erin.type("handback-message", goodbye);
      erin.click("handback-submit");
      await("erin's hand-back answered").atMost(LIVE).ignoreExceptions()
          .until(() -> erin.text("action-result").equals("Handed back to the bot"));
      await("the hand-back message at the callback").atMost(ARRIVAL)
          .until(() -> delivered(conversation).stream().anyMatch(m -> m.sender() == Speaker.BOT && goodbye.equals(m.text())));
      await("sue sees it is the bot's").atMost(LIVE).ignoreExceptions()
          .until(() -> sue.text("conv-status").equalsIgnoreCase("bot") && sue.text("conv-owner").equals("nobody"));
      await("out of sue's open conversations").atMost(LIVE).until(() -> sue.all(row(conversation)).isEmpty());
      await("out of erin's Mine").atMost(LIVE).until(() -> erin.all(row(conversation)).isEmpty());
      for (Desktop d : List.of(erin, sue)) {
        await("the bot's hand-back message in the transcript on " + d).atMost(LIVE).ignoreExceptions()
            .until(() -> turnWith(d, goodbye) != null);
        assertEquals("BOT", turnWith(d, goodbye).get("speaker"), "who says the hand-back message on " + d);
      }
      erin.screenshot(SCREENSHOTS, "hand-back.png");
      sue.screenshot(SCREENSHOTS, "hand-back-supervisor.png");

      // dan goes away: the team view says so.
      sue.click("view-team");
      dan.click("presence-toggle");
      await("dan's button says away").atMost(LIVE).ignoreExceptions()
          .until(() -> "away".equals(dan.find(testId("presence-toggle")).getDomAttribute("data-status")));
      await("sue sees dan away").atMost(LIVE).ignoreExceptions()
          .until(() -> agentField(sue, "dan", "agent-presence").equalsIgnoreCase("away"));
      assertEquals("online", agentField(sue, "erin", "agent-presence").toLowerCase());
      sue.screenshot(SCREENSHOTS, "team-dan-away.png");
    } finally {
      // The other tests expect dan online and both agents looking at the unassigned queue.
      if (!"online".equals(dan.find(testId("presence-toggle")).getDomAttribute("data-status"))) {
        dan.click("presence-toggle");
        await("dan online again").atMost(LIVE).ignoreExceptions()
            .until(() -> "online".equals(dan.find(testId("presence-toggle")).getDomAttribute("data-status")));
      }
      dan.click("tab-unassigned");
      erin.click("tab-unassigned");
    }
  }

  /**
   * A visitor on the tenant's own site (another origin, one script tag, the page's CSS hostile):
   * the bot answers an FAQ under the AI disclosure; "Talk to a person" puts the conversation in
   * the desk queue; erin claims it on her desktop; the visitor sees her join, sees her typing, then
   * her reply. Markup written on either side is shown as text on the other.
   */
  @Test
  void aVisitorChatsOnTheTenantsSiteWithTheBotAndThenAnAgent() throws Exception {
    String widget = baton.url("intake-service", "/v1/webchat/widget.js");
    callbacks.page("/site/contact.html", """
        <!doctype html><html><head><meta charset="utf-8"><title>Desk Dental</title>
        <style>* { color: #c00 !important; font-family: serif !important; } button { display: none !important; }
        div { border: 2px dashed #c00; } body { background: #fdf6e3; }</style></head>
        <body><h1>Desk Dental</h1><p>Book a check-up, or chat with us.</p>
        <script src="%s" data-tenant="%s" async></script></body></html>
        """.formatted(widget, TestTenants.DESK_TENANT));
    try (Desktop visitor = new Desktop("visitor")) {
      visitor.driver().get(callbacks.url("/site/contact.html"));
      Widget chat = new Widget(visitor);
      chat.click("launcher");
      await("the widget's session").atMost(LIVE).ignoreExceptions()
          .until(() -> chat.text("disclosure").contains("virtual assistant"));
      assertEquals("Desk Dental", chat.text("title"));

      chat.type("what are your opening hours?", Keys.ENTER);
      await("the bot's answer").atMost(ARRIVAL).ignoreExceptions()
          .until(() -> chat.texts("msg-bot").stream().anyMatch(t -> t.contains("We're open 8am to 6pm")));
      visitor.screenshot(SCREENSHOTS, "webchat-bot-answer.png");

      chat.click("person");
      String conversation = chat.conversationId();
      erin.awaitAndClick(row(conversation), ARRIVAL);
      await().atMost(LIVE).ignoreExceptions().until(() -> erin.text("conv-id").equals(conversation));
      erin.click("claim");
      await("erin's claim answered").atMost(LIVE).ignoreExceptions()
          .until(() -> erin.text("action-result").startsWith("Claimed"));
      await("the visitor sees erin join").atMost(ARRIVAL).ignoreExceptions()
          .until(() -> chat.texts("notice").stream().anyMatch(t -> t.contains("Erin")));

      String customerMarkup = "<img src=x onerror=alert(1)> my <b>tooth</b> hurts";
      chat.type(customerMarkup, Keys.ENTER);
      await("the visitor's markup as text on erin's desktop").atMost(ARRIVAL).ignoreExceptions()
          .until(() -> turnTexts(erin).contains(customerMarkup));

      String reply = "Sorry to hear that <script>alert(2)</script> - can you come in at 3pm?";
      await("erin's reply box is ready").atMost(LIVE).ignoreExceptions()
          .until(() -> erin.text("conv-owner").equals("you") && erin.find(testId("send")).isEnabled());
      erin.type("reply-input", reply);
      await("the visitor sees erin typing").atMost(LIVE).ignoreExceptions()
          .until(() -> chat.text("typing").equals("Erin is typing\u2026"));
      visitor.screenshot(SCREENSHOTS, "webchat-agent-typing.png");
      erin.type("reply-input", Keys.ENTER);
      await("erin's reply in the widget").atMost(ARRIVAL).ignoreExceptions()
          .until(() -> chat.texts("msg-agent").stream().anyMatch(t -> t.contains(reply)));
      assertTrue(chat.texts("msg-customer").stream().anyMatch(t -> t.equals(customerMarkup)), chat.texts("msg-customer").toString());
      assertEquals(0L, visitor.script(
          "return document.querySelector('[data-baton-webchat]').shadowRoot.querySelectorAll('img, b, script').length;"),
          "markup became elements in the widget");
      for (Desktop d : List.of(visitor, erin)) {
        assertThrows(NoAlertPresentException.class, () -> d.driver().switchTo().alert(), "an alert on " + d);
      }
      assertEquals(List.of(), visitor.pageErrors(), "errors logged by the tenant's page");
      visitor.screenshot(SCREENSHOTS, "webchat-agent-reply.png");
      erin.screenshot(SCREENSHOTS, "webchat-desktop.png");

      // Done: the conversation does not keep a place in erin's capacity for the other tests.
      erin.click("resolve");
      erin.select("resolve-code", TestTenants.RESOLUTION_CODES.get(0));
      erin.click("resolve-submit");
      await("erin's resolve answered").atMost(LIVE).ignoreExceptions()
          .until(() -> erin.text("conv-status").equalsIgnoreCase("resolved"));
    } finally {
      erin.click("tab-unassigned");
    }
  }

  /** The web chat widget on a visitor's page: its elements are in a shadow root, found by data-testid. */
  private record Widget(Desktop page) {
    private org.openqa.selenium.SearchContext root() {
      return page.find(org.openqa.selenium.By.cssSelector("[data-baton-webchat]")).getShadowRoot();
    }

    String text(String testId) {
      return root().findElement(testId(testId)).getText();
    }

    List<String> texts(String testId) {
      return root().findElements(testId(testId)).stream().map(org.openqa.selenium.WebElement::getText).toList();
    }

    void click(String testId) {
      root().findElement(testId(testId)).click();
    }

    void type(CharSequence... keys) {
      root().findElement(testId("input")).sendKeys(keys);
    }

    /** The conversation of the visitor's session token, kept in the page's localStorage. */
    String conversationId() throws java.io.IOException {
      String token = (String) page.script("return localStorage.getItem(arguments[0]);",
          "baton-webchat:" + TestTenants.DESK_TENANT);
      String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
          java.nio.charset.StandardCharsets.UTF_8);
      return Json.MAPPER.readTree(payload).get("conv").asText();
    }
  }

  // -------------------------------------------------------------------------------------------

  /**
   * The transcript item showing a text: its speaker, its label, the mark after its head and its
   * delivery status and mark; null if none.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, String> turnWith(Desktop d, String text) {
    return (Map<String, String>) d.script(
        "const t = [...document.querySelectorAll('[data-testid=\"turn\"]')]"
            + ".find(li => li.querySelector('[data-testid=\"turn-text\"]').textContent === arguments[0]);"
            + "return t ? {speaker: t.dataset.speaker, who: t.querySelector('.who').textContent,"
            + " mark: getComputedStyle(t.querySelector('.turn-head'), '::after').content,"
            + " delivery: t.dataset.delivery || null,"
            + " deliveryMark: t.querySelector('[data-testid=\"turn-delivery\"]')?.textContent ?? null} : null;",
        text);
  }

  /** A field of a queue row, read in the page (rows are redrawn as events arrive); null if absent. */
  private static String rowField(Desktop d, String conversation, String field) {
    return (String) d.script(
        "const r = document.querySelector('[data-testid=\"queue-row\"][data-conversation-id=\"' + CSS.escape(arguments[0]) + '\"]');"
            + "const f = r && r.querySelector('[data-testid=\"' + arguments[1] + '\"]');"
            + "return f ? f.textContent : null;",
        conversation, field);
  }

  private static String agentField(Desktop d, String agentId, String field) {
    return (String) d.script(
        "const r = document.querySelector('[data-testid=\"agent-row\"][data-agent-id=\"' + CSS.escape(arguments[0]) + '\"]');"
            + "const f = r && r.querySelector('[data-testid=\"' + arguments[1] + '\"]');"
            + "return f ? f.textContent : '';",
        agentId, field);
  }

  @SuppressWarnings("unchecked")
  private static List<String> turnTexts(Desktop d) {
    return (List<String>) d.script(
        "return [...document.querySelectorAll('[data-testid=\"turn-text\"]')].map(e => e.textContent);");
  }

  private static String message(String conversation, String text) {
    return Json.write(Map.of(
        "eventId", "ev-" + UUID.randomUUID(), "type", "CUSTOMER_MESSAGE", "tenantId", TestTenants.DESK_TENANT,
        "conversationId", conversation, "channel", "WEBCHAT", "occurredAt", Instant.now().toString(),
        "customer", Map.of("id", "cust-" + conversation, "name", "Ana Desk", "email", "ana.desk@example.com"),
        "text", text));
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return baton.postEvent(TestTenants.DESK_SECRET, body);
  }

  private static List<OutboundMessage> delivered(String conversation) {
    return callbacks.callbacks().stream()
        .map(r -> Json.read(r.body(), OutboundMessage.class))
        .filter(m -> m.conversationId().equals(conversation))
        .toList();
  }
}
