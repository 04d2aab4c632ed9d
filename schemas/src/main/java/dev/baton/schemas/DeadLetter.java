package dev.baton.schemas;

import java.time.Instant;

/**
 * A record a service could not process, kept with the reason so nothing is lost silently.
 * Published to {@code <topic>-dlq}, keyed like the original.
 *
 * @param payload the original value as text (UTF-8, lossy for binary)
 * @param failedBy the service that gave up
 */
public record DeadLetter(
    int schemaVersion,
    String sourceTopic,
    int partition,
    long offset,
    String key,
    String payload,
    String reason,
    String failedBy,
    Instant failedAt) {}
