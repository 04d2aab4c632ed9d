package dev.baton.intake.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs the tasks of one key one after another, in the order they were submitted, and tasks of
 * different keys independently. The key is a conversation: a later message of a conversation
 * waits for an earlier one (being retried, say), other conversations do not. Only keys with work
 * in progress are held in memory.
 */
final class ConversationSequencer {
  private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

  <T> CompletableFuture<T> submit(String key, Supplier<? extends CompletionStage<T>> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<Void> finished = result.handle((r, e) -> null);
    CompletableFuture<Void> previous = tails.put(key, finished);
    Runnable start = () -> {
      try {
        task.get().whenComplete((r, e) -> {
          if (e == null) {
            result.complete(r);
          } else {
            result.completeExceptionally(e);
          }
        });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    };
    if (previous == null) {
      start.run();
    } else {
      previous.whenComplete((r, e) -> start.run());
    }
    finished.whenComplete((r, e) -> tails.remove(key, finished));
    return result;
  }

  /** Conversations with a message in progress or waiting. */
  int activeKeys() {
    return tails.size();
  }
}
