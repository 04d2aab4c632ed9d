package dev.baton.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the dead letter for a record a service gave up on. */
public final class DeadLetters {
  private DeadLetters() {}

  public static DeadLetter of(
      String topic, int partition, long offset, String key, byte[] value, String reason,
      String service) {
    String payload = value == null ? null : new String(value, StandardCharsets.UTF_8);
    return new DeadLetter(
        SchemaVersions.CURRENT, topic, partition, offset, key, payload, reason, service, Instant.now());
  }
}
