package dev.baton.intake.delivery;

import dev.baton.intake.channel.VoiceCalls;
import dev.baton.schemas.Channel;
import dev.baton.schemas.OutboundMessage;
import dev.baton.tenant.TenantConfig;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Speaks Baton's replies on a live Twilio call: the words are handed to the call ({@link
 * VoiceCalls}), whose waiting webhook answers Twilio with TwiML. A handoff notice also transfers
 * the call ({@code <Enqueue>} or {@code <Dial>}). A message for a call that has ended or was
 * transferred cannot be spoken any more and is refused (dead-lettered with the reason), never
 * counted as delivered.
 */
@ApplicationScoped
public class TwilioVoiceChannel implements OutboundChannel {
  static final String CALL_PREFIX = "call:";

  private final VoiceCalls calls;
  private final Executor blocking = Infrastructure.getDefaultWorkerPool();

  public TwilioVoiceChannel(VoiceCalls calls) {
    this.calls = calls;
  }

  private static boolean isWaitingNotice(OutboundMessage m) {
    return m.reason() != null && (m.reason().startsWith("queue-notice") || m.reason().startsWith("callback-offer"));
  }

  @Override
  public boolean handles(TenantConfig tenant, OutboundMessage message) {
    return message.channel() == Channel.VOICE && tenant.channels().twilio() != null;
  }

  @Override
  public String provider() {
    return "twilio";
  }

  /** Completes with null: words spoken on a call have no id of their own at Twilio (the call's is the conversation's). */
  @Override
  public CompletionStage<String> send(TenantConfig tenant, OutboundMessage message) {
    String conversation = message.conversationId();
    if (!conversation.startsWith(CALL_PREFIX)) {
      return CompletableFuture.failedFuture(new DeliveryException(
          "conversation " + conversation + " is not a Twilio call", false, null));
    }
    String callSid = conversation.substring(CALL_PREFIX.length());
    boolean transfer = message.reason() != null && message.reason().startsWith("handoff-notice");
    return CompletableFuture.supplyAsync(() -> {
      VoiceCalls.State state = calls.state(tenant.id(), callSid);
      if (state == VoiceCalls.State.TRANSFERRED && isWaitingNotice(message)) {
        // Twilio's queue tells a caller they are waiting; the chat channels' notice is not for calls.
        return null;
      }
      if (state != VoiceCalls.State.LIVE) {
        throw new CompletionException(new DeliveryException(
            "call " + callSid + " is " + state.name().toLowerCase(java.util.Locale.ROOT) + "; the words cannot be spoken", false, null));
      }
      calls.offer(tenant.id(), callSid, new VoiceCalls.Reply(message.text(), transfer));
      return (String) null;
    }, blocking);
  }
}
