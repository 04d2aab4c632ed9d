package dev.baton.handoff.engine;

import dev.baton.schemas.ConversationState;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.Intent;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.tenant.TenantConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The one-line summary at the top of a handoff: what they want, what the bot tried, how they feel. */
final class Summaries {
  private static final int QUOTE = 120;

  private Summaries() {}

  static String of(ConversationState s, HandoffReason reason, TenantConfig tenant) {
    List<Turn> turns = s.transcript();
    int now = lastCustomer(turns, turns.size() - 1);
    Turn lastCustomer = now < 0 ? null : turns.get(now);
    // Intents read from a language the models do not know mean nothing.
    String wants = reason == HandoffReason.UNSUPPORTED_LANGUAGE ? "unclear" : wants(turns, now, tenant);
    if (lastCustomer != null) {
      String text = lastCustomer.text();
      wants += " (last said: \"" + (text.length() > QUOTE ? text.substring(0, QUOTE) + "…" : text) + "\")";
    }
    Set<String> tried = new LinkedHashSet<>();
    for (Turn t : s.transcript()) {
      if (t.speaker() == Speaker.BOT && t.reason() != null) {
        tried.add(t.reason());
      }
    }
    Sentiment sentiment = s.lastSentiment();
    String feels = sentiment == null ? "unknown"
        : sentiment.label() + String.format(Locale.ROOT, " (%.2f)", sentiment.score())
            + (sentiment.emotion("anger") >= 0.5 ? ", angry" : "");
    return "Wants: " + wants + ". Bot tried: " + (tried.isEmpty() ? "nothing yet" : String.join(", ", tried))
        + ". Feels: " + feels + ". Handed over for: " + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + "."
        + (s.language() == null || s.language().equals(tenant.languages().defaultLanguage()) ? ""
            : " Writes in: " + s.language() + ".");
  }

  /**
   * What the customer needs now: the intent of the message that escalated, if it was understood.
   * When that message only asked for a person, the latest request before it that the bot did not
   * already answer (an answered FAQ is not what they still need). Otherwise "unclear": better
   * than naming an earlier topic the conversation has moved on from.
   */
  static String wants(List<Turn> turns, int now, TenantConfig tenant) {
    if (now < 0) {
      return "unclear";
    }
    Turn escalating = turns.get(now);
    if (understood(escalating, tenant) && !asksForAPerson(escalating, tenant)) {
      return label(escalating);
    }
    if (!asksForAPerson(escalating, tenant)) {
      return "unclear";
    }
    for (int i = lastCustomer(turns, now - 1); i >= 0; i = lastCustomer(turns, i - 1)) {
      Turn earlier = turns.get(i);
      if (understood(earlier, tenant) && !asksForAPerson(earlier, tenant) && !answeredByFaq(turns, i)) {
        return label(earlier);
      }
    }
    return "unclear";
  }

  private static boolean understood(Turn t, TenantConfig tenant) {
    return t.intent() != null && !Intent.OUT_OF_SCOPE.equals(t.intent()) && t.intentConfidence() != null
        && t.intentConfidence() >= tenant.escalation().confidenceThreshold();
  }

  private static boolean asksForAPerson(Turn t, TenantConfig tenant) {
    return t.intent() != null && tenant.escalation().explicitRequestIntents().contains(t.intent());
  }

  /** Whether the bot's next turn after customer turn {@code i} was an FAQ answer. */
  private static boolean answeredByFaq(List<Turn> turns, int i) {
    for (int j = i + 1; j < turns.size() && turns.get(j).speaker() != Speaker.CUSTOMER; j++) {
      Turn t = turns.get(j);
      if (t.speaker() == Speaker.BOT && t.reason() != null && t.reason().startsWith("faq:")) {
        return true;
      }
    }
    return false;
  }

  private static int lastCustomer(List<Turn> turns, int from) {
    for (int i = Math.min(from, turns.size() - 1); i >= 0; i--) {
      if (turns.get(i).speaker() == Speaker.CUSTOMER) {
        return i;
      }
    }
    return -1;
  }

  private static String label(Turn t) {
    return t.intent().replace('_', ' ');
  }
}
