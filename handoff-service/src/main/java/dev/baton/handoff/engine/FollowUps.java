package dev.baton.handoff.engine;

import dev.baton.tenant.PhraseMatcher;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.Intent;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.tenant.FaqEntry;
import dev.baton.tenant.TenantConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Messages that only make sense after the previous one: "and on Sunday?" after the opening
 * hours, "it's order 4471902" after a question about an order, "yes please" to the bot's
 * question. Read alone they are out of scope (a clarifying question, then a handoff); read with
 * the conversation they continue the customer's previous request, which they inherit: its intent
 * and confidence, its skill, and the tenant's answer to it.
 *
 * <p>Only a message the models could not place is reread, only after a confident request of the
 * same episode, and only within {@link #WINDOW}; small talk and requests for a person are not
 * continued.
 */
final class FollowUps {
  /** A follow-up comes soon after what it follows; a message an hour later starts afresh. */
  static final Duration WINDOW = Duration.ofMinutes(15);
  /** Longer messages carry their own request (and the models read those). */
  static final int MAX_WORDS = 8;
  static final Set<String> NOT_CONTINUED = Set.of("greeting", "thanks", "goodbye", Intent.OUT_OF_SCOPE, Intent.CONTACT_HUMAN_AGENT);

  /** "and on Sunday?", "what about the blue one", "also for Saturday", "or next week?" */
  private static final Pattern CONTINUES = Pattern.compile(
      "^(?:and|also|or|plus|same|what about|how about|what if|and if|even|then|but what about)\\b.*");
  /** Short answers to a question the bot asked. */
  private static final Pattern ANSWERS = Pattern.compile(
      "^(?:yes|yes please|yeah|yep|yup|sure|ok|okay|please do|please|go ahead|correct|thats right|right|"
          + "no|no thanks|no thank you|nope|not really)(?: (?:please|thanks|thank you))?$");

  /** How the message continues the previous request. */
  enum Kind { CONTINUES, GIVES_DATA, ANSWERS_QUESTION }

  /** The inherited reading of a message, and how it was found. */
  record FollowUp(EnrichedEvent event, Kind kind, String previousIntent) {}

  private FollowUps() {}

  /**
   * {@code e} reread as a follow-up of the episode's previous confident request, or empty when it
   * is not one (then it is read as it came).
   */
  static Optional<FollowUp> of(TenantConfig tenant, List<Turn> transcript, String language, EnrichedEvent e, Instant at) {
    double threshold = tenant.escalation().confidenceThreshold();
    Intent intent = e.intent();
    if (intent != null && !intent.label().equals(Intent.OUT_OF_SCOPE) && intent.confidence() >= threshold) {
      return Optional.empty();
    }
    String text = PhraseMatcher.normalise(e.event().text());
    int words = text.isEmpty() ? 0 : text.split(" ").length;
    if (words == 0 || words > MAX_WORDS) {
      return Optional.empty();
    }
    Turn previous = null;
    Turn lastBot = null;
    for (int i = transcript.size() - 1; i >= 0 && previous == null; i--) {
      Turn t = transcript.get(i);
      if (t.speaker() == Speaker.CUSTOMER) {
        previous = t;
      } else if (t.speaker() == Speaker.BOT && lastBot == null) {
        lastBot = t;
      } else if (t.speaker() == Speaker.AGENT || t.speaker() == Speaker.SYSTEM && t.text().startsWith("handed back")) {
        return Optional.empty(); // a person spoke since: the bot does not guess what was agreed
      }
    }
    if (previous == null || previous.intent() == null || NOT_CONTINUED.contains(previous.intent())
        || previous.intentConfidence() == null || previous.intentConfidence() < threshold
        || previous.at() == null || Duration.between(previous.at(), at).compareTo(WINDOW) > 0) {
      return Optional.empty();
    }
    Kind kind;
    if (CONTINUES.matcher(text).matches()) {
      kind = Kind.CONTINUES;
    } else if (!e.slots().isEmpty()) {
      kind = Kind.GIVES_DATA;
    } else if (lastBot != null && lastBot.text().strip().endsWith("?") && ANSWERS.matcher(text).matches()) {
      kind = Kind.ANSWERS_QUESTION;
    } else {
      return Optional.empty();
    }
    String label = previous.intent();
    Intent inherited = new Intent(label, previous.intentConfidence(), tenant.skillFor(label),
        "follow-up(" + (intent == null ? "none" : intent.model()) + ")");
    ProposedReply reply = answer(tenant, label, kind, lastBot, language).orElse(null);
    return Optional.of(new FollowUp(e.withRouting(inherited, e.slots(), reply), kind, label));
  }

  /**
   * The tenant's answer to the inherited request. "and on Sunday?" gets it again (it covers the
   * variants it was asked about); data or a yes that follows the same answer does not get it
   * repeated: the bot has no more to say, and the request goes on as one without an answer.
   */
  private static Optional<ProposedReply> answer(TenantConfig tenant, String label, Kind kind, Turn lastBot, String language) {
    Optional<FaqEntry> faq = tenant.faq().stream().filter(f -> f.intent().equals(label)).findFirst();
    if (faq.isEmpty()) {
      return Optional.empty();
    }
    boolean alreadySaid = lastBot != null && lastBot.text().strip().endsWith(faq.get().answerIn(language).strip());
    if (alreadySaid && kind != Kind.CONTINUES) {
      return Optional.empty();
    }
    return Optional.of(new ProposedReply(faq.get().answer(), "faq:" + faq.get().id()));
  }
}
