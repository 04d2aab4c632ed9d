package dev.baton.handoff.engine;

import dev.baton.schemas.ConversationState;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.Intent;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.tenant.TenantConfig;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** The one-line summary at the top of a handoff: what they want, what the bot tried, how they feel. */
final class Summaries {
  private static final int QUOTE = 120;

  private Summaries() {}

  static String of(ConversationState s, HandoffReason reason, TenantConfig tenant) {
    String wants = "unknown";
    Turn lastCustomer = null;
    for (int i = s.transcript().size() - 1; i >= 0; i--) {
      Turn t = s.transcript().get(i);
      if (t.speaker() == Speaker.CUSTOMER) {
        if (lastCustomer == null) {
          lastCustomer = t;
        }
        if (t.intent() != null && !Intent.OUT_OF_SCOPE.equals(t.intent())
            && t.intentConfidence() != null && t.intentConfidence() >= tenant.escalation().confidenceThreshold()
            && !tenant.escalation().explicitRequestIntents().contains(t.intent())) {
          wants = t.intent().replace('_', ' ');
          break;
        }
      }
    }
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
        + ". Feels: " + feels + ". Handed over for: " + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ".";
  }
}
