package dev.baton.intake.rest;

/**
 * The answer to an accepted event.
 *
 * @param duplicate true when this event id was already accepted; it was not published again
 */
public record Accepted(String eventId, String conversationId, boolean duplicate) {}
