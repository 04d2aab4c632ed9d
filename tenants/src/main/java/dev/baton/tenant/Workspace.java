package dev.baton.tenant;

import java.time.Duration;
import java.util.List;

/**
 * How a tenant's agents work conversations in the agent gateway ({@code workspace} in the tenants
 * file).
 *
 * @param routingMode {@link #PULL}: agents claim from the queue; {@link #OFFER}: Baton offers each
 *     waiting conversation to the longest-idle available agent with the skill and capacity
 * @param offerTimeout how long an offered agent has to accept before the offer moves on
 * @param reassignAfterNoReply an owned conversation whose agent has not replied to the customer for
 *     this long returns to the queue
 * @param queueNoticeAfter a customer waiting this long for an agent is told their place in the queue
 * @param resolutionCodes what an agent may choose when resolving; the first is the default
 * @param cannedReplies ready-made replies offered in the desktop
 */
public record Workspace(
    String routingMode,
    Duration offerTimeout,
    Duration reassignAfterNoReply,
    Duration queueNoticeAfter,
    List<String> resolutionCodes,
    List<CannedReply> cannedReplies) {

  public static final String PULL = "pull";
  public static final String OFFER = "offer";

  /** A ready-made reply: a short title to pick it by, and its text. */
  public record CannedReply(String title, String text) {}

  public static final Workspace DEFAULTS = new Workspace(PULL, Duration.ofSeconds(30), Duration.ofMinutes(10),
      Duration.ofMinutes(2), List.of("solved", "callback-needed", "not-solved"), List.of());

  public Workspace {
    resolutionCodes = List.copyOf(resolutionCodes);
    cannedReplies = List.copyOf(cannedReplies);
  }

  public boolean offers() {
    return OFFER.equals(routingMode);
  }
}
