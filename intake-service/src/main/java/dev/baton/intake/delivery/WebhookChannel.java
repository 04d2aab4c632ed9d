package dev.baton.intake.delivery;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.WebhookSignature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The generic channel: POSTs the outbound message as JSON to the tenant's {@code callbackUrl},
 * signed like inbound webhooks, with the message id as {@code Idempotency-Key} so the receiver
 * can drop a redelivery.
 *
 * <p>The attempt's deadline ({@code intake.delivery.request-timeout}) covers the whole exchange,
 * body included ({@link BoundedExchange}), so a callback trickling its answer costs only its own
 * tenant's delivery slots.
 */
@ApplicationScoped
public class WebhookChannel implements OutboundChannel {
  private final BoundedExchange exchange;

  @Inject
  public WebhookChannel(IntakeConfig config) {
    this(config.delivery().requestTimeout());
  }

  /** For tools that run the channel without CDI (the delivery benchmark). */
  public WebhookChannel(Duration requestTimeout) {
    this.exchange = new BoundedExchange("callback", requestTimeout);
  }

  /**
   * Every message of the tenant's but those of a channel it has a provider for (its WhatsApp
   * number goes through {@code WhatsAppCloudChannel}, its widget's conversations through {@code
   * WebChatChannel}): so no message depends on which channel bean comes first.
   */
  @Override
  public boolean handles(TenantConfig tenant, OutboundMessage message) {
    return tenant.callbackUrl() != null && !tenant.channels().deliversItself(message.channel(), message.conversationId());
  }

  @Override
  public String provider() {
    return "webhook";
  }

  /** Completes with null: the callback names no id of its own (the message id is the Idempotency-Key). */
  @Override
  public CompletionStage<String> send(TenantConfig tenant, OutboundMessage message) {
    byte[] body = Json.write(message).getBytes(StandardCharsets.UTF_8);
    long now = Instant.now().getEpochSecond();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(tenant.callbackUrl()))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", message.messageId())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (tenant.webhookSecret() != null) {
      request.header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now));
      request.header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(tenant.webhookSecret(), now, body));
    }
    return exchange.send(request, HttpResponse.BodyHandlers.discarding()).thenApply(response -> {
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return (String) null;
      }
      // 408, 429 and 5xx are the receiver's temporary trouble; other 4xx will not change on retry.
      boolean retryable = status == 408 || status == 429 || status >= 500;
      throw new CompletionException(new DeliveryException("callback answered HTTP " + status, retryable, null));
    });
  }

}
