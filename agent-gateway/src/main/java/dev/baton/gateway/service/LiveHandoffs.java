package dev.baton.gateway.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The fan-out of new handoffs to the open streams. Each subscriber sees its own tenant's handoffs
 * only, filtered before they are buffered, and at most {@code buffer} of them wait for a client
 * that is not reading: past that its stream fails with {@link Overflow} (the stream resource turns
 * it into an {@code overflow} event and ends the response, and the client resumes with
 * {@code Last-Event-ID} from the replay), instead of holding memory or dropping handoffs silently.
 */
@ApplicationScoped
public class LiveHandoffs {
  private final BroadcastProcessor<RelayedHandoff> processor = BroadcastProcessor.create();

  /** A subscriber fell more than its buffer behind. */
  public static final class Overflow extends RuntimeException {
    public Overflow(int buffer) {
      super("more than " + buffer + " handoffs waited for this stream");
    }
  }

  public void publish(RelayedHandoff handoff) {
    processor.onNext(handoff);
  }

  public Multi<RelayedHandoff> live(String tenantId, int buffer) {
    // The broadcast fails a subscriber with no demand at the moment of an item; the buffer gives
    // each one room, and the filter in front keeps other tenants' handoffs out of it.
    return processor
        .select().where(h -> h.tenantId().equals(tenantId))
        .onOverflow().buffer(buffer)
        .onFailure(BackPressureFailure.class).transform(e -> new Overflow(buffer));
  }
}
