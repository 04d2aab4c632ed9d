package dev.baton.intake.delivery;

import dev.baton.schemas.OutboundMessage;
import dev.baton.tenant.TenantConfig;

/**
 * Sends a message to a customer through one provider. The generic webhook channel is the first;
 * provider channels (WhatsApp, Twilio SMS/voice) plug in beside it.
 */
public interface OutboundChannel {

  /** True when this channel delivers this tenant's messages on the message's channel. */
  boolean handles(TenantConfig tenant, OutboundMessage message);

  /** One attempt; throws {@link DeliveryException} saying whether a retry may help. */
  void send(TenantConfig tenant, OutboundMessage message) throws DeliveryException;

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
