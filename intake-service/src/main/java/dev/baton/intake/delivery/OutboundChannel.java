package dev.baton.intake.delivery;

import dev.baton.schemas.OutboundMessage;
import dev.baton.tenant.TenantConfig;
import java.util.concurrent.CompletionStage;

/**
 * Sends a message to a customer through one provider: the generic webhook channel, and provider
 * channels (WhatsApp Cloud API, Twilio messaging and voice) beside it. At most one channel handles
 * a message (the beans come in no defined order): the webhook leaves alone every channel the
 * tenant has a provider for.
 *
 * <p>Sending is asynchronous: an attempt must not hold a thread while it waits for the far side,
 * and it must end (complete or fail) within its own deadline, body included, so that a slow
 * partner only ever costs its own tenant's delivery slots.
 */
public interface OutboundChannel {

  /** True when this channel delivers this tenant's messages on the message's channel. */
  boolean handles(TenantConfig tenant, OutboundMessage message);

  /** Who carries the messages, as their delivery statuses name it: {@code webhook}, {@code whatsapp}, {@code twilio}. */
  String provider();

  /**
   * One attempt. The stage completes when the far side accepted the message, with the provider's
   * id of it (a wamid, a Twilio SID; null when the provider gives none), or fails with a {@link
   * DeliveryException} saying whether a retry may help.
   */
  CompletionStage<String> send(TenantConfig tenant, OutboundMessage message);

  /** A failed attempt. */
  class DeliveryException extends Exception {
    private final boolean retryable;

    public DeliveryException(String message, boolean retryable, Throwable cause) {
      super(message, cause);
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }
}
