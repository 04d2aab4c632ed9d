package dev.baton.schemas;

/**
 * The answer the bot would give, if the handoff service lets it.
 *
 * @param source why this reply: e.g. {@code faq:opening-hours}
 */
public record ProposedReply(String text, String source) {}
