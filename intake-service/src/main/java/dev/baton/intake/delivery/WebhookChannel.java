package dev.baton.intake.delivery;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.WebhookSignature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The generic channel: POSTs the outbound message as JSON to the tenant's {@code callbackUrl},
 * signed like inbound webhooks, with the message id as {@code Idempotency-Key} so the receiver
 * can drop a redelivery.
 *
 * <p>The attempt's deadline ({@code intake.delivery.request-timeout}) covers the whole exchange:
 * connecting, sending, the response headers and the response body. {@link HttpRequest#timeout}
 * alone stops at the headers, so a callback that answers its headers and then trickles its body
 * would hold the attempt open for as long as it likes; here the future is bounded with
 * {@code orTimeout} and the exchange is cancelled when the deadline passes.
 */
@ApplicationScoped
public class WebhookChannel implements OutboundChannel {
  private final HttpClient http;
  private final Duration requestTimeout;

  @Inject
  public WebhookChannel(IntakeConfig config) {
    this(config.delivery().requestTimeout());
  }

  /** For tools that run the channel without CDI (the delivery benchmark). */
  public WebhookChannel(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Every message of the tenant's but those of a channel it has a provider for (its WhatsApp
   * number goes through {@code WhatsAppCloudChannel}): so no message depends on which channel
   * bean comes first.
   */
  @Override
  public boolean handles(TenantConfig tenant, OutboundMessage message) {
    return tenant.callbackUrl() != null && !tenant.channels().hasProviderFor(message.channel());
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
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", message.messageId())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (tenant.webhookSecret() != null) {
      request.header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now));
      request.header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(tenant.webhookSecret(), now, body));
    }
    // discarding() completes only once the whole body has been read, so the deadline below
    // covers the body too.
    CompletableFuture<HttpResponse<Void>> exchange =
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
    return exchange
        .copy()
        .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((response, failure) -> {
          if (failure != null) {
            // Frees the connection of a callback that is still trickling (JDK 16+ aborts it).
            exchange.cancel(true);
            throw new CompletionException(failed(failure));
          }
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return (String) null;
          }
          // 408, 429 and 5xx are the receiver's temporary trouble; other 4xx will not change on retry.
          boolean retryable = status == 408 || status == 429 || status >= 500;
          throw new CompletionException(new DeliveryException("callback answered HTTP " + status, retryable, null));
        });
  }

  private DeliveryException failed(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof TimeoutException) {
      return new DeliveryException("callback did not complete its answer within " + requestTimeout, true, cause);
    }
    if (cause instanceof IOException) {
      return new DeliveryException("callback unreachable: " + cause, true, cause);
    }
    return new DeliveryException("callback exchange failed: " + cause, true, cause);
  }
}
