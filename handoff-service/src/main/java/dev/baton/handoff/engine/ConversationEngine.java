package dev.baton.handoff.engine;

import dev.baton.tenant.PhraseMatcher;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Choice;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.DecisionAudit;
import dev.baton.schemas.DetectedLanguage;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Intent;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Owner;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.Slot;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.tenant.Agent;
import dev.baton.tenant.EscalationRules;
import dev.baton.tenant.FaqEntry;
import dev.baton.tenant.Languages;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import dev.baton.tenant.Templates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides, for every event of a conversation, whether the bot answers or a person takes over.
 * Pure: given the current state, the event, the tenant's rules and the time, it returns the new
 * state and what to send. Kafka plumbing lives in the topology; the rules live here, where they
 * can be tested one by one.
 *
 * <p>Single ownership: BOT → QUEUED (handoff written) → AGENT (claimed) → BOT (hand back, a new
 * episode) or RESOLVED. The bot sends nothing while the owner is not BOT, and each episode has at
 * most one handoff.
 */
public final class ConversationEngine {
  static final int MAX_TRANSCRIPT = 500;
  static final int MAX_RECENT_IDS = 256;
  /** What a waiting customer says to take the call back they were offered ("CALLBACK", "call me back"). */
  private static final PhraseMatcher CALLBACK =
      new PhraseMatcher(List.of("callback", "call back", "call me", "ring me", "phone me"));
  private static final PhraseMatcher NO_CALLBACK =
      new PhraseMatcher(List.of("don't call", "not call", "don't ring", "not ring", "no callback"));
  /** Attribute of {@code CALL_STARTED}: the voice provider that reports the caller's silence itself. */
  public static final String SILENCE_REPORTED_BY = "voice.silenceReportedBy";
  /** Attribute of {@code CALLER_SILENT}: how long the caller was silent, in milliseconds. */
  public static final String SILENCE_MS = "silence.ms";
  private static final java.time.format.DateTimeFormatter MISSED_CALL_TIME =
      java.time.format.DateTimeFormatter.ofPattern("EEE d MMM, HH:mm", Locale.ENGLISH);

  private final TenantDirectory tenants;
  private final StateLimits limits;
  private final VoiceTiming voice;
  private final Map<String, Matchers> matchers = new ConcurrentHashMap<>();

  private record Matchers(PhraseMatcher explicit, PhraseMatcher keywords) {}

  public ConversationEngine(TenantDirectory tenants) {
    this(tenants, StateLimits.DEFAULTS, VoiceTiming.DEFAULTS);
  }

  public ConversationEngine(TenantDirectory tenants, StateLimits limits, VoiceTiming voice) {
    this.tenants = tenants;
    this.limits = limits;
    this.voice = voice;
  }

  // ---------------------------------------------------------------- conversation events

  public Outcome onEvent(ConversationState current, EnrichedEvent enriched, Instant now) {
    ConversationEvent event = enriched.event();
    TenantConfig tenant = tenants.find(event.tenantId()).orElse(null);
    if (tenant == null) {
      return Outcome.rejected(current, "unknown tenant " + event.tenantId());
    }
    if (current != null && !current.tenantId().equals(event.tenantId())) {
      return Outcome.rejected(current, "conversation " + event.conversationId() + " belongs to another tenant");
    }
    if (current != null && current.hasSeen(event.eventId())) {
      return Outcome.of(current, List.of(), null);
    }
    // The sender's clock is not ours: a time outside the window (or absurd) reads as now, so no
    // deadline, key or duration is ever computed from it.
    Instant at = limits.bound(event.occurredAt(), now);
    if (event.type() == EventType.CALLER_SILENT && !reportCounts(current, at)) {
      // Nothing to decide, so nothing kept: not a transcript line per report, nor an id pushing
      // real events out of the dedup window, nor a state for a conversation that has none.
      return Outcome.of(current, List.of(), null);
    }
    ConversationState start = current == null
        ? ConversationState.start(event).toBuilder().startedAt(at).updatedAt(at).build() : current;
    Step step = new Step(tenant, start, now, limits, voice);
    step.remember(event.eventId());
    step.state.customer(start.customer() == null ? event.customer() : start.customer().mergedWith(event.customer()));
    if (start.owner() == Owner.RESOLVED && event.type() != EventType.CALL_ENDED) {
      step.reopen();
    }
    missedCallLink(step, event, at);
    switch (event.type()) {
      case CUSTOMER_MESSAGE, SPEECH_SEGMENT -> customerSaid(step, enriched, at);
      case AGENT_MESSAGE -> step.addTurn(new Turn(event.eventId(), Speaker.AGENT, event.text(), at,
          null, null, null, null, event.agentId(), null));
      case CALL_STARTED -> {
        String reporter = silenceReporter(event);
        step.state.callActive(true).silenceReportedBy(reporter);
        step.addTurn(Turn.of(event.eventId(), Speaker.SYSTEM, "call started", at));
        // A provider that reports silence greets the caller with the tenant's introduction
        // before it listens; on other calls Baton has said nothing yet. The words it spoke
        // (voice.greeting) are the bot's first turn: the caller heard the introduction, so the
        // first reply does not repeat it, and the agent reads what the caller heard.
        String spoken = event.attributes().get("voice.greeting");
        if (spoken != null && !spoken.isBlank()) {
          step.addTurn(new Turn(event.eventId() + ":greeting", Speaker.BOT, spoken, at, null, null, null, null, null,
              "greeting"));
          step.state.botIntroduced(true);
        }
        Duration greeting = reporter == null ? Duration.ZERO
            : voice.speakingTime(spoken != null && !spoken.isBlank() ? spoken
                : fill(step.templates().assistantIntro(), tenant, null));
        // Silence counts from when the call started, not from when we got to it: a busy
        // topology must not make a silent caller wait longer.
        step.waitForCaller(at.isBefore(step.now) ? at : step.now, greeting);
      }
      case CALL_ENDED -> {
        step.state.callActive(false).silenceDeadline(null).silenceReportedBy(null);
        step.addTurn(Turn.of(event.eventId(), Speaker.SYSTEM, "call ended", at));
      }
      case CALL_MISSED -> missedCall(step, event, at);
      case CALLER_SILENT -> callerSilent(step, event);
    }
    return step.outcome();
  }

  /**
   * The intake names the call the customer missed before this, their first message or call since
   * ({@link ConversationEvent#MISSED_CALL_CONVERSATION}, {@link ConversationEvent#MISSED_CALL_AT}): the transcript says
   * so, for the agent who calls back and for counting recovered calls.
   */
  private static void missedCallLink(Step step, ConversationEvent event, Instant at) {
    String conversation = event.attributes().get(ConversationEvent.MISSED_CALL_CONVERSATION);
    if (conversation == null || conversation.equals(event.conversationId())) {
      return;
    }
    String when;
    try {
      when = MISSED_CALL_TIME.format(Instant.parse(event.attributes().get(ConversationEvent.MISSED_CALL_AT)).atZone(step.tenant.timezone()));
    } catch (RuntimeException unreadable) {
      when = "earlier";
    }
    step.addTurn(new Turn(event.eventId() + ":missed-call-link", Speaker.SYSTEM,
        "follows the missed call of " + when + " (" + conversation + ")", at, null, null, null, null,
        null, Turn.MISSED_CALL_LINK + conversation));
  }

  private void customerSaid(Step step, EnrichedEvent original, Instant at) {
    // In the bot's hands, a message the models could not place may continue the previous request.
    EnrichedEvent e = step.owner() == Owner.BOT
        ? FollowUps.of(step.tenant, step.start.transcript(), step.start.language(), original, at).map(FollowUps.FollowUp::event).orElse(original)
        : original;
    ConversationEvent event = e.event();
    Intent intent = e.intent();
    Sentiment sentiment = e.sentiment();
    step.addTurn(new Turn(event.eventId(), Speaker.CUSTOMER, event.text(), at,
        intent == null ? null : intent.label(), intent == null ? null : intent.confidence(),
        sentiment == null ? null : sentiment.label(), sentiment == null ? null : sentiment.score(), null, null));
    step.state.lastIntent(intent != null ? intent : step.start.lastIntent())
        .lastSentiment(sentiment != null ? sentiment : step.start.lastSentiment())
        .silenceDeadline(null);
    DetectedLanguage language = e.language();
    if (language != null && language.known()) {
      // Only a confident detection changes the conversation's language: "ok" or an order number keeps it.
      step.state.language(language.code());
    }
    step.collect(e.slots());
    if (step.owner() == Owner.QUEUED && step.start.callbackOfferedAt() != null && step.start.openHandoff() != null
        && asksForCallback(event.text())) {
      acceptCallback(step, event);
      return;
    }
    if (step.owner() != Owner.BOT) {
      return; // A person owns the conversation (or it waits for one): the bot stays silent.
    }
    // Before the other triggers: they read the text and intents of a language the tenant's models
    // and phrases do not speak.
    // A pressed "talk to a person" control is the customer's explicit word: no phrase or model
    // needs to recognise it, in whatever language the text around it is.
    Optional<Trigger> trigger = personRequested(e).or(() -> unsupportedLanguage(step, e)).or(() -> evaluate(step, e));
    if (trigger.isPresent()) {
      escalate(step, trigger.get(), event.eventId(), event.channel());
      return;
    }
    botAnswer(step, e);
  }

  private static Optional<Trigger> personRequested(EnrichedEvent e) {
    return e.event().personRequested()
        ? Optional.of(new Trigger(HandoffReason.EXPLICIT_REQUEST, "explicit-request-control",
            "attribute " + ConversationEvent.PERSON_REQUESTED, "pressed"))
        : Optional.empty();
  }

  /** The triggers in order of precedence; the first that fires wins. */
  private Optional<Trigger> evaluate(Step step, EnrichedEvent e) {
    EscalationRules rules = step.tenant.escalation();
    Matchers m = matchersOf(step.tenant);
    String text = e.event().text();
    Intent intent = e.intent();
    double confidence = intent == null ? 0 : intent.confidence();
    boolean confident = intent != null && confidence >= rules.confidenceThreshold();

    Optional<String> asked = m.explicit.find(text);
    if (asked.isPresent()) {
      return Optional.of(new Trigger(HandoffReason.EXPLICIT_REQUEST, "explicit-request",
          "\"" + asked.get() + "\"", "phrases " + m.explicit));
    }
    if (confident && rules.explicitRequestIntents().contains(intent.label())) {
      return Optional.of(new Trigger(HandoffReason.EXPLICIT_REQUEST, "explicit-request-intent",
          intent.label() + " @ " + fmt(confidence), "confidence >= " + fmt(rules.confidenceThreshold())));
    }
    Optional<String> keyword = m.keywords.find(text);
    if (keyword.isPresent()) {
      return Optional.of(new Trigger(HandoffReason.KEYWORD, "keyword", "\"" + keyword.get() + "\"",
          "keywords " + m.keywords));
    }
    if (confident && rules.sensitiveIntents().contains(intent.label())) {
      return Optional.of(new Trigger(HandoffReason.SENSITIVE_TOPIC, "sensitive-intent",
          intent.label() + " @ " + fmt(confidence), "human-only intents " + rules.sensitiveIntents()));
    }
    Sentiment s = e.sentiment();
    Optional<Trigger> complaint = complaint(step, s, intent, confident, rules);
    if (complaint.isPresent()) {
      return complaint;
    }
    if (s != null && s.score() < rules.sentimentThreshold()) {
      return Optional.of(new Trigger(HandoffReason.NEGATIVE_SENTIMENT, "negative-sentiment",
          "score " + fmt(s.score()), "score < " + fmt(rules.sentimentThreshold())));
    }
    if (s != null && s.emotion("anger") >= rules.angerThreshold()) {
      return Optional.of(new Trigger(HandoffReason.NEGATIVE_SENTIMENT, "anger",
          "anger " + fmt(s.emotion("anger")), "anger >= " + fmt(rules.angerThreshold())));
    }
    Optional<String> trend = fallingTrend(step, rules);
    if (trend.isPresent()) {
      return Optional.of(new Trigger(HandoffReason.NEGATIVE_SENTIMENT, "falling-sentiment", trend.get(),
          "drop >= " + fmt(rules.trendDrop()) + " over " + rules.trendWindow() + " messages"));
    }
    if (repeatsPreviousQuestion(step, text)) {
      return Optional.of(new Trigger(HandoffReason.REPEATED_FAILURE, "repeated-question",
          "same question asked again", "1 repeat"));
    }
    if (!confident) {
      int strikes = step.start.lowConfidenceStrikes() + 1;
      step.state.lowConfidenceStrikes(strikes);
      if (strikes >= rules.lowConfidenceStrikes()) {
        return Optional.of(new Trigger(HandoffReason.LOW_CONFIDENCE, "low-confidence",
            (intent == null ? "no intent" : intent.label() + " @ " + fmt(confidence)) + ", strike " + strikes,
            "confidence < " + fmt(rules.confidenceThreshold()) + ", " + rules.lowConfidenceStrikes() + " strike(s)"));
      }
      return Optional.empty();
    }
    step.state.lowConfidenceStrikes(0);
    if (e.proposedReply() == null) {
      int unanswered = step.start.unansweredStreak() + 1;
      step.state.unansweredStreak(unanswered);
      if (unanswered >= rules.maxUnanswered()) {
        return Optional.of(new Trigger(HandoffReason.REPEATED_FAILURE, "unanswered",
            unanswered + " messages in a row without an answer", ">= " + rules.maxUnanswered()));
      }
    } else {
      step.state.unansweredStreak(0);
    }
    return Optional.empty();
  }

  /**
   * The conversation is in a language the tenant has no answers in: the bot could only answer in
   * another, so a person takes over ({@code languageNotSupported} tells the customer). The
   * conversation's language, not only this message's: a short "merci" keeps it French.
   */
  private static Optional<Trigger> unsupportedLanguage(Step step, EnrichedEvent e) {
    String language = step.language();
    Languages languages = step.tenant.languages();
    if (language == null || languages.supports(language)) {
      return Optional.empty();
    }
    DetectedLanguage detected = e.language();
    String observed = detected != null && detected.known()
        ? language + " @ " + String.format(Locale.ROOT, "%.4f", detected.confidence())
        : language + " (the conversation's, from earlier messages)";
    return Optional.of(new Trigger(HandoffReason.UNSUPPORTED_LANGUAGE, "language-not-supported", observed,
        "tenant languages " + languages.codes()));
  }

  /**
   * The FAQ answer in the conversation's language: routing picked it by the message's language,
   * which a short message ("Öffnungszeiten?") leaves unknown.
   */
  private static String answerIn(Step step, String proposed, String source) {
    String language = step.language();
    if (language == null || source == null || !source.startsWith("faq:")) {
      return proposed;
    }
    String id = source.substring("faq:".length());
    return step.tenant.faq().stream().filter(f -> f.id().equals(id)).findFirst()
        .filter(f -> f.answers().containsKey(language) || language.equals(step.tenant.languages().defaultLanguage()))
        .map(f -> f.answerIn(language))
        .orElse(proposed);
  }

  /** The taps the tenant offers with an FAQ answer, titled in the conversation's language. */
  private static List<Choice> choicesOf(Step step, String source) {
    if (source == null || !source.startsWith("faq:")) {
      return List.of();
    }
    String id = source.substring("faq:".length());
    return step.tenant.faq().stream().filter(f -> f.id().equals(id)).findFirst()
        .map(f -> f.choicesIn(step.language())).orElse(List.of());
  }

  private void botAnswer(Step step, EnrichedEvent e) {
    EscalationRules rules = step.tenant.escalation();
    Intent intent = e.intent();
    boolean confident = intent != null && intent.confidence() >= rules.confidenceThreshold();
    String eventId = e.event().eventId();
    if (!confident) {
      step.botSays(eventId + ":clarify", step.templates().clarifyingQuestion(), "clarify:low-confidence", e.event().channel());
    } else if (e.proposedReply() != null) {
      String source = e.proposedReply().source();
      step.botSays(eventId + ":reply", answerIn(step, e.proposedReply().text(), source), source, e.event().channel(),
          choicesOf(step, source));
    } else {
      step.botSays(eventId + ":fallback", step.templates().fallback(), "fallback:no-answer", e.event().channel());
    }
    step.waitForCaller(step.now, step.speakingTime());
  }

  private void missedCall(Step step, ConversationEvent event, Instant at) {
    step.addTurn(Turn.of(event.eventId(), Speaker.SYSTEM, "missed call", at));
    // The acknowledgement goes out on WhatsApp whoever owns the conversation: it is a courtesy,
    // not a bot answer, and a missed call needs a call back in any case.
    String ack = fill(step.templates().missedCallAck(), step.tenant, null);
    step.send(event.eventId() + ":missed-call-ack", Speaker.BOT, null, ack, "missed-call-ack", Channel.WHATSAPP);
    if (step.owner() == Owner.BOT && step.start.openHandoffId() == null) {
      Trigger t = new Trigger(HandoffReason.MISSED_CALL, "missed-call", "call from "
          + (event.customer() == null ? "unknown number" : String.valueOf(event.customer().phone())), "any missed call");
      escalate(step, t, event.eventId(), Channel.WHATSAPP);
    }
  }

  // ---------------------------------------------------------------- timers

  /**
   * A deadline of the conversation passed: a silent caller escalates, or a waiting customer gets
   * their notice. The state decides what is due; a deadline that no longer is (a stale wake-up)
   * changes nothing.
   */
  public Outcome onDeadline(ConversationState current, Instant now) {
    if (current != null && current.owner() == Owner.QUEUED && current.queueNoticeAt() != null
        && !now.isBefore(current.queueNoticeAt())) {
      return onQueueWait(current, now);
    }
    return onSilence(current, now);
  }

  /** Escalates a voice call whose caller has been silent past the deadline, if still due. */
  private Outcome onSilence(ConversationState current, Instant now) {
    if (current == null || !current.callActive() || current.owner() != Owner.BOT
        || current.silenceDeadline() == null || now.isBefore(current.silenceDeadline())) {
      return Outcome.of(current, List.of(), null);
    }
    TenantConfig tenant = tenants.find(current.tenantId()).orElse(null);
    if (tenant == null) {
      return Outcome.of(current, List.of(), null);
    }
    Step step = new Step(tenant, current, now, limits, voice);
    Duration timeout = tenant.escalation().silenceTimeout();
    String reporter = current.silenceReportedBy();
    // The deadline was set at the (estimated) end of the bot's speech plus the timeout, and the
    // backstop margin where a provider reports silence itself.
    Instant speechEnded = current.silenceDeadline().minus(timeout).minus(reporter == null ? Duration.ZERO : voice.reportMargin());
    long silentMs = Duration.between(speechEnded, now).toMillis();
    String lastEvent = current.recentEventIds().isEmpty() ? null
        : current.recentEventIds().get(current.recentEventIds().size() - 1);
    Trigger t = new Trigger(HandoffReason.SILENCE, "silence",
        silentMs + " ms without speech" + (reporter == null ? "" : ", no report from " + reporter),
        "> " + timeout.toMillis() + " ms");
    step.state.silenceDeadline(null);
    escalate(step, t, lastEvent, current.channel());
    return step.outcome();
  }

  /**
   * The voice provider reports that the caller said nothing for the timeout after the bot's speech
   * ended (only a report {@link #reportCounts counts} gets here): the silence trigger at once, as
   * the timer would have fired had it known when the speech ended. The handoff clears the
   * deadline and the bot loses the call, so neither the timer nor a repeated report hands off again.
   */
  private void callerSilent(Step step, ConversationEvent event) {
    Duration timeout = step.tenant.escalation().silenceTimeout();
    String measured = event.attributes().get(SILENCE_MS);
    String observed = measured != null && measured.matches("\\d{1,9}")
        ? Long.parseLong(measured) + " ms without speech"
        : "silence reported without " + SILENCE_MS;
    Trigger t = new Trigger(HandoffReason.SILENCE, "silence", observed, "> " + timeout.toMillis() + " ms");
    step.state.silenceDeadline(null);
    escalate(step, t, event.eventId(), event.channel());
  }

  /**
   * A {@code CALLER_SILENT} report is acted on while the bot waits on an active call, unless the
   * caller spoke (or the call started) after the time it was made: then it is about a prompt the
   * caller since answered. Both times come from the sender's events, so one clock decides.
   */
  private static boolean reportCounts(ConversationState s, Instant reportedAt) {
    if (s == null || !s.callActive() || s.owner() != Owner.BOT) {
      return false;
    }
    for (int i = s.transcript().size() - 1; i >= 0; i--) {
      Turn t = s.transcript().get(i);
      if (t.speaker() == Speaker.CUSTOMER || (t.speaker() == Speaker.SYSTEM && "call started".equals(t.text()))) {
        return t.at() == null || !t.at().isAfter(reportedAt);
      }
    }
    return true;
  }

  /** Who reports this call's silence, from {@code voice.silenceReportedBy}; null for Baton alone. */
  private static String silenceReporter(ConversationEvent event) {
    String by = event.attributes().get(SILENCE_REPORTED_BY);
    // A name, not free text: it is kept in the state and written into audits.
    return by != null && by.matches("[A-Za-z0-9._-]{1,40}") ? by : null;
  }

  /**
   * Tells a customer who has waited a full {@code queueNoticeAfter} for an agent where they stand:
   * one notice per period of waiting. Without an agent available they are offered a call back,
   * once; later periods tell them their place as usual.
   *
   * <p>Idempotent: the message id is the handoff and the deadline it answers, so handling the same
   * deadline again (a crash before the commit, a redelivered wake-up) makes the same message,
   * which the deliverer drops, and the state holds the next deadline in the same transaction as
   * the message. Periods missed while the service was down are not caught up: one notice, then
   * the next full period.
   */
  private Outcome onQueueWait(ConversationState current, Instant now) {
    TenantConfig tenant = tenants.find(current.tenantId()).orElse(null);
    if (tenant == null) {
      return Outcome.of(current, List.of(), null);
    }
    Step step = new Step(tenant, current, now, limits, voice);
    ConversationState.OpenHandoff handoff = current.openHandoff();
    boolean caller = current.channel() != Channel.VOICE || current.callActive();
    if (handoff == null || handoff.followUp() || !caller) {
      // Nobody waits on the line: a follow-up, or a caller who hung up.
      step.state.queueNoticeAt(null);
      return step.outcome();
    }
    Instant due = current.queueNoticeAt();
    Duration every = tenant.workspace().queueNoticeAfter();
    step.state.queueNoticeAt(due.plus(every.multipliedBy(Duration.between(due, now).dividedBy(every) + 1)));
    String handoffId = current.openHandoffId() != null ? current.openHandoffId()
        : HandoffRecord.idFor(current.tenantId(), current.conversationId(), current.episode());
    String messageId = handoffId + ":queue-notice-" + due.toEpochMilli();
    AgentAction.QueueStatus q = current.queueStatus();
    Templates t = step.templates();
    if (q != null && q.agentsAvailable() == 0 && current.callbackOfferedAt() == null) {
      // Offered once per wait: the offer stands, and the same text every period reads as a loop.
      step.botSays(messageId, fill(t.callbackOffer(), tenant, null), "callback-offer", current.channel());
      step.state.callbackOfferedAt(now);
    } else if (q != null && q.expectedWaitSeconds() != null) {
      String text = t.queueNotice().replace("{position}", String.valueOf(q.position()))
          .replace("{wait}", waitText(q.expectedWaitSeconds()));
      step.botSays(messageId, fill(text, tenant, null), "queue-notice", current.channel());
    } else {
      String text = q != null ? t.queueNoticeNoEstimate().replace("{position}", String.valueOf(q.position()))
          : withoutClause(t.queueNoticeNoEstimate(), "{position}"); // no place known yet: not "number {position}"
      text = withoutClause(text, "{wait}");
      if (!text.isBlank()) {
        step.botSays(messageId, fill(text, tenant, null), "queue-notice", current.channel());
      }
    }
    return step.outcome();
  }

  /** An expected wait as the customer reads it: "1 minute", "3 minutes", "2 hours". */
  static String waitText(int seconds) {
    long minutes = Math.max(1, Math.round(seconds / 60.0));
    if (minutes < 90) {
      return minutes == 1 ? "1 minute" : minutes + " minutes";
    }
    return Math.round(minutes / 60.0) + " hours";
  }

  /**
   * {@code text} without each clause (up to a ';' or the end of its sentence) that holds
   * {@code placeholder}, for a value that is not known: "Thanks. You're number {position}; we'll
   * be quick." reads "Thanks. We'll be quick."
   */
  static String withoutClause(String text, String placeholder) {
    String out = text;
    for (int at = out.indexOf(placeholder); at >= 0; at = out.indexOf(placeholder)) {
      int start = at;
      while (start > 0 && ".;!?".indexOf(out.charAt(start - 1)) < 0) {
        start--;
      }
      int end = at + placeholder.length();
      while (end < out.length() && ".;!?".indexOf(out.charAt(end)) < 0) {
        end++;
      }
      String before = out.substring(0, start).strip();
      String after = out.substring(Math.min(out.length(), end + 1)).strip();
      if (after.isEmpty() && before.endsWith(";")) {
        before = before.substring(0, before.length() - 1) + ".";
      }
      boolean sentenceStart = before.isEmpty() || ".!?".indexOf(before.charAt(before.length() - 1)) >= 0;
      if (sentenceStart && !after.isEmpty()) {
        after = Character.toUpperCase(after.charAt(0)) + after.substring(1);
      }
      out = (before + " " + after).strip();
    }
    return out;
  }

  // ---------------------------------------------------------------- agent actions

  /** What one action decided: applied, applied with nothing to change, or refused with a reason. */
  private record Decision(String refusal, boolean unchanged) {
    static final Decision APPLIED = new Decision(null, false);
    static final Decision UNCHANGED = new Decision(null, true);

    static Decision refused(String reason) {
      return new Decision(reason, false);
    }
  }

  /**
   * Who acts, as far as the rules care: the agent owning the conversation, a supervisor of the
   * tenant, or Baton itself ({@link AgentAction#SYSTEM_AGENT}). Any other id is an ordinary agent:
   * the engine does not require a claimer to be in the tenants file.
   */
  private record Actor(String id, boolean owns, boolean supervisor, boolean system) {
    static Actor of(AgentAction action, ConversationState s, TenantConfig tenant) {
      String id = action.agentId();
      return new Actor(id, s.owner() == Owner.AGENT && id.equals(s.agentId()),
          tenant.agent(id).map(Agent::supervisor).orElse(false), AgentAction.SYSTEM_AGENT.equals(id));
    }
  }

  public Outcome onAgentAction(ConversationState current, AgentAction action, Instant now) {
    if (current == null) {
      return Outcome.refused(null, "no conversation " + action.conversationId());
    }
    if (!current.tenantId().equals(action.tenantId())) {
      return Outcome.rejected(current, "conversation " + action.conversationId() + " belongs to another tenant");
    }
    if (current.hasSeen(action.actionId())) {
      return Outcome.of(current, List.of(), null);
    }
    TenantConfig tenant = tenants.find(current.tenantId()).orElse(null);
    if (tenant == null) {
      return Outcome.rejected(current, "unknown tenant " + current.tenantId());
    }
    Step step = new Step(tenant, current, now, limits, voice);
    Actor actor = Actor.of(action, current, tenant);
    Decision decision = switch (action.type()) {
      case CLAIM -> claim(step, action, actor);
      case REPLY -> reply(step, action, actor);
      case NOTE -> note(step, action, actor);
      case TRANSFER -> transfer(step, action, actor);
      case HAND_BACK -> handBack(step, action, actor);
      case RESOLVE -> resolve(step, action, actor);
      case RELEASE -> release(step, action, actor);
      case QUEUE_STATUS -> queueStatus(step, action, actor);
    };
    if (decision.refusal() != null) {
      return Outcome.refused(current, decision.refusal());
    }
    if (decision.unchanged()) {
      return Outcome.of(current, List.of(), null);
    }
    // A queue status only sets a value, so applying it twice is harmless; the gateway reports
    // them often, and remembering each would push real event ids out of the dedup window.
    if (action.type() != AgentAction.Type.QUEUE_STATUS) {
      step.remember(action.actionId());
    }
    return step.outcome();
  }

  private Decision claim(Step step, AgentAction a, Actor actor) {
    ConversationState s = step.start;
    if (actor.owns()) {
      return Decision.UNCHANGED;
    }
    if (actor.system()) {
      return Decision.refused("cannot claim: " + AgentAction.SYSTEM_AGENT + " cannot own a conversation");
    }
    boolean takeOver = s.owner() == Owner.AGENT && actor.supervisor();
    if (s.owner() != Owner.QUEUED && s.owner() != Owner.BOT && !takeOver) {
      return Decision.refused("cannot claim: conversation is " + describe(s));
    }
    if (takeOver) {
      step.addTurn(Turn.of(a.actionId(), Speaker.SYSTEM, "taken over from " + s.agentId() + " by " + actor.id(), step.now));
    }
    step.state.owner(Owner.AGENT).agentId(actor.id()).silenceDeadline(null);
    step.stopWaitingNotices();
    step.agentJoined(a.actionId(), actor.id());
    return Decision.APPLIED;
  }

  private Decision reply(Step step, AgentAction a, Actor actor) {
    if (!actor.owns()) {
      return Decision.refused("cannot reply: conversation is " + describe(step.start));
    }
    if (blank(a.text())) {
      return Decision.refused("reply without text");
    }
    step.send(a.actionId() + ":reply", Speaker.AGENT, actor.id(), a.text(), "agent-reply", step.start.channel());
    return Decision.APPLIED;
  }

  /** A note is a turn for agents only: it never becomes an outbound message. */
  private Decision note(Step step, AgentAction a, Actor actor) {
    if (!actor.owns() && !actor.supervisor()) {
      return Decision.refused("cannot add a note: conversation is " + describe(step.start));
    }
    if (blank(a.text())) {
      return Decision.refused("note without text");
    }
    step.addTurn(new Turn(a.actionId(), Speaker.NOTE, a.text(), step.now, null, null, null, null, actor.id(), null));
    return Decision.APPLIED;
  }

  private Decision transfer(Step step, AgentAction a, Actor actor) {
    ConversationState s = step.start;
    if (s.owner() != Owner.AGENT && s.owner() != Owner.QUEUED) {
      return Decision.refused("cannot transfer: conversation is " + describe(s));
    }
    if (!actor.owns() && !actor.supervisor() && !actor.system()) {
      return Decision.refused("cannot transfer: conversation is " + describe(s)
          + (s.owner() == Owner.QUEUED ? " (claim it first)" : ""));
    }
    if ((a.targetAgentId() == null) == (a.targetSkill() == null)) {
      return Decision.refused("cannot transfer: give either targetAgentId or targetSkill");
    }
    TenantConfig tenant = step.tenant;
    if (a.targetAgentId() != null) {
      if (tenant.agent(a.targetAgentId()).isEmpty()) {
        return Decision.refused("cannot transfer: " + a.targetAgentId() + " is not an agent of " + tenant.id());
      }
      if (s.owner() == Owner.AGENT && a.targetAgentId().equals(s.agentId())) {
        return Decision.refused("cannot transfer: conversation is already owned by " + s.agentId());
      }
      step.state.owner(Owner.AGENT).agentId(a.targetAgentId());
      step.stopWaitingNotices();
      step.addTurn(Turn.of(a.actionId(), Speaker.SYSTEM, "transferred to " + a.targetAgentId() + " by " + actor.id(),
          step.now));
      // The customer is now talking with someone else, and is told so as on a claim.
      step.agentJoined(a.actionId(), a.targetAgentId());
      return Decision.APPLIED;
    }
    if (!skillsOf(tenant).contains(a.targetSkill())) {
      return Decision.refused("cannot transfer: " + a.targetSkill() + " is not a queue of " + tenant.id());
    }
    if (s.owner() == Owner.QUEUED && a.targetSkill().equals(s.skill())) {
      return Decision.refused("cannot transfer: conversation already waits in queue " + s.skill());
    }
    step.state.owner(Owner.QUEUED).agentId(null).skill(a.targetSkill());
    step.startWaitingNotices();
    step.addTurn(Turn.of(a.actionId(), Speaker.SYSTEM, "transferred to queue " + a.targetSkill() + " by " + actor.id(),
        step.now));
    return Decision.APPLIED;
  }

  /** Reassignment: an agent who went offline or stopped answering loses the conversation to the queue. */
  private Decision release(Step step, AgentAction a, Actor actor) {
    ConversationState s = step.start;
    if (!actor.supervisor() && !actor.system()) {
      return Decision.refused("cannot release: only a supervisor or " + AgentAction.SYSTEM_AGENT
          + " returns a conversation to the queue");
    }
    if (s.owner() != Owner.AGENT) {
      return Decision.refused("cannot release: conversation is " + describe(s));
    }
    if (a.targetSkill() != null && !skillsOf(step.tenant).contains(a.targetSkill())) {
      return Decision.refused("cannot release: " + a.targetSkill() + " is not a queue of " + step.tenant.id());
    }
    step.state.owner(Owner.QUEUED).agentId(null).skill(a.targetSkill() != null ? a.targetSkill() : s.skill());
    step.startWaitingNotices();
    String text = "returned to the queue" + (a.targetSkill() == null ? "" : " " + a.targetSkill())
        + (blank(a.text()) ? "" : " (" + a.text() + ")");
    step.addTurn(Turn.of(a.actionId(), Speaker.SYSTEM, text, step.now));
    return Decision.APPLIED;
  }

  private Decision handBack(Step step, AgentAction a, Actor actor) {
    ConversationState s = step.start;
    if (!actor.owns()) {
      return Decision.refused("cannot hand back: conversation is " + describe(s));
    }
    step.state.owner(Owner.BOT).agentId(null).episode(s.episode() + 1).openHandoffId(null).openHandoff(null)
        .skill(null).lowConfidenceStrikes(0).unansweredStreak(0);
    step.stopWaitingNotices();
    step.addTurn(Turn.of(a.actionId(), Speaker.SYSTEM, "handed back to the assistant", step.now));
    if (!blank(a.text())) {
      // The agent's last word (a survey question, say) is the bot's first of the new episode.
      step.botSays(a.actionId() + ":hand-back", a.text(), "hand-back", s.channel());
    }
    step.waitForCaller(step.now, step.speakingTime());
    return Decision.APPLIED;
  }

  private Decision resolve(Step step, AgentAction a, Actor actor) {
    ConversationState s = step.start;
    boolean allowed = actor.owns() || s.owner() == Owner.QUEUED || (actor.supervisor() && s.owner() != Owner.RESOLVED);
    if (!allowed) {
      return Decision.refused("cannot resolve: conversation is " + describe(s));
    }
    List<String> codes = step.tenant.workspace().resolutionCodes();
    String code = a.resolutionCode() == null ? codes.get(0) : a.resolutionCode();
    if (!codes.contains(code)) {
      return Decision.refused("cannot resolve: unknown resolution code " + code + " (one of " + codes + ")");
    }
    step.state.owner(Owner.RESOLVED).closedAt(step.now).silenceDeadline(null).agentId(actor.id()).resolutionCode(code);
    step.stopWaitingNotices();
    step.addTurn(Turn.of(a.actionId(), Speaker.SYSTEM, "resolved by " + actor.id() + " (" + code + ")", step.now));
    return Decision.APPLIED;
  }

  /** Where a waiting conversation stands in its queue; read by the next waiting notice. */
  private Decision queueStatus(Step step, AgentAction a, Actor actor) {
    ConversationState s = step.start;
    if (!actor.system()) {
      return Decision.refused("cannot set the queue status: only " + AgentAction.SYSTEM_AGENT + " reports it");
    }
    if (s.owner() != Owner.QUEUED) {
      return Decision.refused("cannot set the queue status: conversation is " + describe(s));
    }
    if (a.queueStatus() == null) {
      return Decision.refused("queue status without a status");
    }
    if (a.queueStatus().equals(s.queueStatus())) {
      return Decision.UNCHANGED;
    }
    step.state.queueStatus(a.queueStatus());
    return Decision.APPLIED;
  }

  /** Every queue of the tenant: those intents map to, the default, and those its agents work. */
  private static Set<String> skillsOf(TenantConfig tenant) {
    Set<String> skills = new HashSet<>(tenant.skills().values());
    skills.add(tenant.skillFor(null));
    tenant.agents().forEach(agent -> skills.addAll(agent.skills()));
    return skills;
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }

  /** True when the state of a closed or long-idle conversation should be deleted. */
  public boolean expired(ConversationState state, Instant now) {
    Duration retention = tenants.find(state.tenantId())
        .map(t -> t.escalation().stateRetention()).orElse(Duration.ofDays(7));
    if (state.owner() == Owner.RESOLVED && state.closedAt() != null) {
      return !now.isBefore(state.closedAt().plus(retention));
    }
    // A bot conversation the customer abandoned counts as closed after the same period; one a
    // person owns or waits for is never removed behind their back.
    return state.owner() == Owner.BOT && state.updatedAt() != null && !now.isBefore(state.updatedAt().plus(retention));
  }

  // ---------------------------------------------------------------- escalation

  private record Trigger(HandoffReason reason, String rule, String observed, String threshold) {}

  private void escalate(Step step, Trigger trigger, String eventId, Channel channel) {
    ConversationState before = step.state.build();
    if (before.openHandoffId() != null) {
      return; // One handoff per episode.
    }
    TenantConfig tenant = step.tenant;
    boolean open = tenant.businessHours().isOpen(step.now, tenant.timezone());
    boolean followUp = !open || trigger.reason == HandoffReason.MISSED_CALL;
    String handoffId = HandoffRecord.idFor(before.tenantId(), before.conversationId(), before.episode());
    DecisionAudit audit = new DecisionAudit(trigger.rule, tenants.version(), trigger.observed, trigger.threshold, eventId);
    String skill = languageSkill(tenant, before.language())
        .orElseGet(() -> tenant.skillFor(trigger.reason == HandoffReason.UNSUPPORTED_LANGUAGE
            ? null // intents read from a language the models do not know mean nothing
            : meaningfulIntent(before, tenant)));
    ConversationState.OpenHandoff header = new ConversationState.OpenHandoff(trigger.reason, audit, followUp, step.now);
    // From the bounded state, like the state itself: the handoff then stays within the record limit.
    step.handoff = handoffRecord(limits.boundSize(before), tenant, handoffId, skill, header, step.now);
    step.state.owner(Owner.QUEUED).openHandoffId(handoffId).openHandoff(header).skill(skill).silenceDeadline(null);
    step.startWaitingNotices();
    if (trigger.reason != HandoffReason.MISSED_CALL) {
      Templates t = step.templates();
      String afterHours = t.afterHoursNotice().replace("{opening}", tenant.businessHours().describeNextOpening(step.now, tenant.timezone()));
      String notice = trigger.reason == HandoffReason.UNSUPPORTED_LANGUAGE
          ? t.languageNotSupported() + (open ? "" : " " + afterHours)
          : open ? t.handoffNotice() : afterHours;
      step.botSays(eventId + ":handoff-notice", fill(notice, tenant, null), "handoff-notice:" + trigger.rule, channel);
    }
  }

  /** The handoff record of {@code s}'s episode, as first written or written again as an update. */
  private HandoffRecord handoffRecord(ConversationState s, TenantConfig tenant, String handoffId, String skill,
      ConversationState.OpenHandoff h, Instant now) {
    return new HandoffRecord(SchemaVersions.CURRENT, handoffId, s.episode(), s.tenantId(), s.conversationId(),
        s.channel(), s.customer(), h.reason(),
        Priorities.of(h.reason(), s.lastSentiment(), tenant.escalation(), h.followUp(), waitedSince(s, now)), skill,
        s.transcript(), s.collectedData(), Summaries.of(s, h.reason(), tenant), h.audit(), h.followUp(),
        h.createdAt(), s.omittedTurns(), s.language());
  }

  /**
   * The queue of agents who speak the conversation's language ({@code lang:<code>}), when it is
   * not the tenant's default and one of its agents declares it; otherwise the usual queue (a
   * queue nobody works would leave the customer waiting).
   */
  private static Optional<String> languageSkill(TenantConfig tenant, String language) {
    if (language == null || language.equals(tenant.languages().defaultLanguage())) {
      return Optional.empty();
    }
    String skill = Languages.skill(language);
    return tenant.agents().stream().anyMatch(a -> a.skills().contains(skill)) ? Optional.of(skill) : Optional.empty();
  }

  private static boolean asksForCallback(String text) {
    return CALLBACK.find(text).isPresent() && NO_CALLBACK.find(text).isEmpty();
  }

  /**
   * A waiting customer takes the call back they were offered: they are told so, the waiting
   * notices stop, and the open handoff becomes a follow-up task.
   *
   * <p>The handoff is written again with the same {@code handoffId}, {@code followUp: true} and
   * its first {@code createdAt}: an update of the episode's one handoff, not a second one. A new
   * id would put the customer in the agents' queue twice (two cards, two claims for one
   * conversation) and break "one handoff per episode" for every consumer that counts ids; with
   * the same id a consumer keeps the latest record per id (the topic is keyed by conversation, so
   * the update always comes after the original), and the unchanged {@code createdAt} keeps the
   * customer's place in the queue.
   */
  private void acceptCallback(Step step, ConversationEvent event) {
    TenantConfig tenant = step.tenant;
    ConversationState.OpenHandoff followUp = step.start.openHandoff().asFollowUp();
    step.state.openHandoff(followUp);
    step.stopWaitingNotices();
    step.botSays(event.eventId() + ":callback-confirmed", fill(step.templates().callbackConfirmed(), tenant, null),
        "callback-confirmed", event.channel());
    ConversationState s = step.state.build();
    String handoffId = s.openHandoffId() != null ? s.openHandoffId()
        : HandoffRecord.idFor(s.tenantId(), s.conversationId(), s.episode());
    String skill = s.skill() != null ? s.skill() : tenant.skillFor(meaningfulIntent(s, tenant));
    step.handoff = handoffRecord(limits.boundSize(s), tenant, handoffId, skill, followUp, step.now);
  }

  /** How long the customer has been in this episode, from its first customer turn. */
  private static Duration waitedSince(ConversationState s, Instant now) {
    Instant first = null;
    for (int i = s.transcript().size() - 1; i >= 0; i--) {
      Turn t = s.transcript().get(i);
      if (t.speaker() == Speaker.SYSTEM && t.text().startsWith("handed back")) {
        break;
      }
      if (t.speaker() == Speaker.CUSTOMER && t.at() != null) {
        first = t.at();
      }
    }
    return first == null || first.isAfter(now) ? Duration.ZERO : Duration.between(first, now);
  }

  private static String meaningfulIntent(ConversationState s, TenantConfig tenant) {
    for (int i = s.transcript().size() - 1; i >= 0; i--) {
      Turn t = s.transcript().get(i);
      if (t.speaker() == Speaker.CUSTOMER && t.intent() != null
          && !tenant.escalation().explicitRequestIntents().contains(t.intent())
          && t.intentConfidence() != null && t.intentConfidence() >= tenant.escalation().confidenceThreshold()) {
        return t.intent();
      }
    }
    return null;
  }

  private static String fill(String template, TenantConfig tenant, String agent) {
    String s = template.replace("{name}", tenant.name());
    return agent == null ? s : s.replace("{agent}", agent);
  }

  private Optional<String> fallingTrend(Step step, EscalationRules rules) {
    List<Double> scores = new ArrayList<>();
    List<Turn> transcript = step.state.build().transcript();
    for (int i = transcript.size() - 1; i >= 0 && scores.size() < rules.trendWindow(); i--) {
      Turn t = transcript.get(i);
      if (t.speaker() == Speaker.CUSTOMER) {
        if (t.sentimentScore() == null) {
          return Optional.empty();
        }
        scores.add(0, t.sentimentScore());
      }
    }
    if (scores.size() < rules.trendWindow()) {
      return Optional.empty();
    }
    for (int i = 1; i < scores.size(); i++) {
      if (scores.get(i) > scores.get(i - 1)) {
        return Optional.empty();
      }
    }
    double drop = scores.get(0) - scores.get(scores.size() - 1);
    return drop >= rules.trendDrop() ? Optional.of("scores " + scores + ", drop " + fmt(drop)) : Optional.empty();
  }

  /**
   * The complaint signal: a score at or above the threshold, or at or above half of it when the
   * customer raises again the intent the bot has just answered (repeated contact: the answer did
   * not help, and the customer's tone says so).
   */
  private static Optional<Trigger> complaint(Step step, Sentiment s, Intent intent, boolean confident, EscalationRules rules) {
    if (s == null || s.complaint() == null) {
      return Optional.empty(); // Events scored before the complaint signal existed.
    }
    double score = s.complaint().score();
    String observed = "complaint " + fmt(score) + (s.complaint().sarcasm() ? ", sarcasm" : "");
    if (score >= rules.complaintThreshold()) {
      return Optional.of(new Trigger(HandoffReason.COMPLAINT, "complaint", observed,
          "complaint >= " + fmt(rules.complaintThreshold())));
    }
    // A follow-up ("and on Sunday?") inherits the previous intent by construction: not a repeat.
    boolean followUp = intent != null && intent.model() != null && intent.model().startsWith("follow-up(");
    if (confident && !followUp && score >= rules.complaintThreshold() / 2 && answeredBefore(step, intent.label())) {
      return Optional.of(new Trigger(HandoffReason.COMPLAINT, "complaint-repeated-contact",
          observed + ", " + intent.label() + " raised again after the bot answered it",
          "complaint >= " + fmt(rules.complaintThreshold() / 2) + " on a repeated intent"));
    }
    return Optional.empty();
  }

  /** The customer's previous message in this episode had this intent and the bot answered it. */
  private static boolean answeredBefore(Step step, String intent) {
    List<Turn> t = step.start.transcript();
    for (int i = t.size() - 1; i >= 0; i--) {
      if (t.get(i).speaker() == Speaker.CUSTOMER) {
        boolean answered = i + 1 < t.size() && t.get(i + 1).speaker() == Speaker.BOT;
        return answered && intent.equals(t.get(i).intent());
      }
      if (t.get(i).speaker() == Speaker.SYSTEM && t.get(i).text().startsWith("handed back")) {
        return false;
      }
    }
    return false;
  }

  /** The customer asks again what the bot already answered in this episode. */
  private static boolean repeatsPreviousQuestion(Step step, String text) {
    List<Turn> t = step.start.transcript();
    String now = PhraseMatcher.normalise(text);
    for (int i = t.size() - 1; i >= 0; i--) {
      if (t.get(i).speaker() == Speaker.CUSTOMER) {
        boolean answered = i + 1 < t.size() && t.get(i + 1).speaker() == Speaker.BOT;
        return answered && !now.isEmpty() && now.equals(PhraseMatcher.normalise(t.get(i).text()));
      }
      if (t.get(i).speaker() == Speaker.SYSTEM && t.get(i).text().startsWith("handed back")) {
        return false;
      }
    }
    return false;
  }

  private Matchers matchersOf(TenantConfig tenant) {
    return matchers.computeIfAbsent(tenant.id(), id -> new Matchers(
        new PhraseMatcher(tenant.escalation().explicitRequestPhrases()),
        new PhraseMatcher(tenant.escalation().keywords())));
  }

  private static String describe(ConversationState s) {
    return s.owner() == Owner.AGENT ? "owned by " + s.agentId() : s.owner().name();
  }

  static String fmt(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  // ---------------------------------------------------------------- the state being changed

  /** One event's worth of changes, applied to a copy of the state. */
  private static final class Step {
    final TenantConfig tenant;
    final ConversationState start;
    final Instant now;
    final ConversationState.Builder state;
    final StateLimits limits;
    final VoiceTiming voice;
    final List<Turn> transcript;
    final List<Turn> newTurns = new ArrayList<>();
    final List<OutboundMessage> messages = new ArrayList<>();
    final int turnCount;
    HandoffRecord handoff;

    Step(TenantConfig tenant, ConversationState start, Instant now, StateLimits limits, VoiceTiming voice) {
      this.tenant = tenant;
      this.start = start;
      this.now = now;
      this.limits = limits;
      this.voice = voice;
      this.state = start.toBuilder().updatedAt(now);
      this.transcript = new ArrayList<>(start.transcript());
      // A state written before turns were counted holds at least its transcript.
      this.turnCount = Math.max(start.turnCount(), start.transcript().size());
    }

    Owner owner() {
      return state.build().owner();
    }

    /** The conversation's language so far (this event's included), or null before one is known. */
    String language() {
      return state.build().language();
    }

    /** What the bot says, in the conversation's language when the tenant has it. */
    Templates templates() {
      return tenant.templatesIn(language());
    }

    void remember(String id) {
      List<String> ids = new ArrayList<>(start.recentEventIds());
      ids.add(id);
      if (ids.size() > MAX_RECENT_IDS) {
        ids = ids.subList(ids.size() - MAX_RECENT_IDS, ids.size());
      }
      state.recentEventIds(ids);
    }

    void reopen() {
      state.owner(Owner.BOT).episode(start.episode() + 1).openHandoffId(null).openHandoff(null).closedAt(null)
          .agentId(null).skill(null).resolutionCode(null).lowConfidenceStrikes(0).unansweredStreak(0);
      stopWaitingNotices();
    }

    /**
     * The customer now waits in a queue: the first waiting notice is a full period away, and what
     * was known of the previous queue no longer holds. A follow-up gets no notices (nobody waits
     * on the line), nor does a handoff written before the engine kept its header.
     */
    void startWaitingNotices() {
      ConversationState.OpenHandoff h = state.build().openHandoff();
      boolean live = h != null && !h.followUp();
      state.queueNoticeAt(live ? now.plus(tenant.workspace().queueNoticeAfter()) : null)
          .queueStatus(null).callbackOfferedAt(null);
    }

    /** Nobody waits in a queue any more (an agent has the conversation, or it was closed). */
    void stopWaitingNotices() {
      state.queueNoticeAt(null).queueStatus(null).callbackOfferedAt(null);
    }

    /** The customer is told who they are talking with now ({@code agentJoined}). */
    void agentJoined(String actionId, String agentId) {
      String name = tenant.agent(agentId).map(Agent::name).orElse(agentId);
      send(actionId + ":joined", Speaker.SYSTEM, agentId, fill(templates().agentJoined(), tenant, name),
          "agent-joined", start.channel());
    }

    void addTurn(Turn turn) {
      transcript.add(turn);
      if (transcript.size() > MAX_TRANSCRIPT) {
        transcript.subList(0, transcript.size() - MAX_TRANSCRIPT).clear();
      }
      newTurns.add(turn);
      state.transcript(transcript).turnCount(turnCount + newTurns.size());
    }

    void collect(List<Slot> slots) {
      state.collectedData(limits.boundSlots(start.collectedData(), slots));
    }

    /** A bot message; the first of the conversation says it is a virtual assistant. */
    void botSays(String messageId, String text, String reason, Channel channel) {
      botSays(messageId, text, reason, channel, List.of());
    }

    void botSays(String messageId, String text, String reason, Channel channel, List<Choice> choices) {
      String said = text;
      if (!state.build().botIntroduced()) {
        said = fill(templates().assistantIntro(), tenant, null) + " " + text;
        state.botIntroduced(true);
      }
      send(messageId, Speaker.BOT, null, said, reason, channel, choices);
    }

    void send(String messageId, Speaker sender, String agentId, String text, String reason, Channel channel) {
      send(messageId, sender, agentId, text, reason, channel, List.of());
    }

    void send(String messageId, Speaker sender, String agentId, String text, String reason, Channel channel,
        List<Choice> choices) {
      ConversationState s = state.build();
      messages.add(new OutboundMessage(SchemaVersions.CURRENT, messageId, s.tenantId(), s.conversationId(),
          channel == null ? s.channel() : channel, s.customer(), sender, agentId, text, reason,
          messageId.substring(0, messageId.lastIndexOf(':')), now, choices));
      addTurn(new Turn(messageId, sender, text, now, null, null, null, null, agentId, reason));
    }

    /** How long a voice takes to say everything sent in this step, which the caller hears before answering. */
    Duration speakingTime() {
      Duration total = Duration.ZERO;
      for (OutboundMessage m : messages) {
        total = total.plus(voice.speakingTime(m.text()));
      }
      return total;
    }

    /**
     * On an active call the bot now waits for the caller, who cannot answer before the bot's
     * {@code speech}, started at {@code from}, has ended: silence past the timeout from then
     * escalates. Where the provider reports silence itself, Baton's deadline is a backstop
     * {@code reportMargin} later, for a report that never comes.
     */
    void waitForCaller(Instant from, Duration speech) {
      ConversationState s = state.build();
      if (s.callActive() && s.owner() == Owner.BOT) {
        Duration margin = s.silenceReportedBy() == null ? Duration.ZERO : voice.reportMargin();
        state.silenceDeadline(from.plus(speech).plus(tenant.escalation().silenceTimeout()).plus(margin));
      }
    }

    Outcome outcome() {
      ConversationState s = limits.boundSize(state.build());
      List<ConversationTurn> turns = new ArrayList<>(newTurns.size());
      // Who the customer is rides on the conversation's first turn and on the first after it changed.
      boolean identify = turnCount == 0 || !java.util.Objects.equals(start.customer(), s.customer());
      for (int i = 0; i < newTurns.size(); i++) {
        turns.add(new ConversationTurn(SchemaVersions.CURRENT, s.tenantId(), s.conversationId(), s.episode(),
            turnCount + i, newTurns.get(i), identify && i == 0 ? s.customer() : null));
      }
      return new Outcome(s, messages, Optional.ofNullable(handoff), Optional.empty(), turns, false);
    }
  }
}
