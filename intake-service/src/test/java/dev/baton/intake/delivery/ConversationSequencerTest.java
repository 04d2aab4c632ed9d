package dev.baton.intake.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ConversationSequencerTest {

  @Test
  void tasksOfOneKeyRunInOrderAndOtherKeysDoNotWait() {
    ConversationSequencer sequencer = new ConversationSequencer();
    List<String> started = new ArrayList<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    sequencer.submit("acme/c1", () -> {
      started.add("c1-1");
      return first;
    });
    sequencer.submit("acme/c1", () -> {
      started.add("c1-2");
      return CompletableFuture.completedFuture("two");
    });
    sequencer.submit("acme/c2", () -> {
      started.add("c2-1");
      return CompletableFuture.completedFuture("other");
    });
    assertEquals(List.of("c1-1", "c2-1"), started, "c1's second waits, c2 does not");

    first.completeExceptionally(new IllegalStateException("failed")); // a failure still releases the next
    assertEquals(List.of("c1-1", "c2-1", "c1-2"), started);
    assertEquals(0, sequencer.activeKeys(), "finished conversations are forgotten");
  }

  @Test
  void aTaskThatThrowsFailsOnlyItsOwnResult() {
    ConversationSequencer sequencer = new ConversationSequencer();
    CompletableFuture<String> failed = sequencer.submit("k", () -> {
      throw new IllegalStateException("boom");
    });
    CompletableFuture<String> next = sequencer.submit("k", () -> CompletableFuture.completedFuture("ok"));
    assertTrue(failed.isCompletedExceptionally());
    assertEquals("ok", next.join());
    assertFalse(next.isCompletedExceptionally());
  }
}
