package dev.baton.schemas;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.DeliveryStatus.Status;
import org.junit.jupiter.api.Test;

class DeliveryStatusTest {

  @Test
  void aStatusOnlyMovesForward() {
    assertTrue(Status.SENT.supersedes(null));
    assertTrue(Status.DELIVERED.supersedes(Status.SENT));
    assertTrue(Status.READ.supersedes(Status.DELIVERED));
    assertTrue(Status.READ.supersedes(Status.SENT), "delivered and read at once: Meta sends only read");
    assertTrue(Status.FAILED.supersedes(Status.SENT));
    assertFalse(Status.DELIVERED.supersedes(Status.READ), "a late delivered never overrides read");
    assertFalse(Status.SENT.supersedes(Status.DELIVERED));
    assertFalse(Status.DELIVERED.supersedes(Status.DELIVERED), "a redelivered status changes nothing");
    assertFalse(Status.FAILED.supersedes(Status.READ));
    assertFalse(Status.DELIVERED.supersedes(Status.FAILED));
  }
}
