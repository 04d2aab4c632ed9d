package dev.baton.intake.delivery;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.WebhookSignature;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The generic channel: POSTs the outbound message as JSON to the tenant's {@code callbackUrl},
 * signed like inbound webhooks, with the message id as {@code Idempotency-Key} so the receiver
 * can drop a redelivery.
 */
@ApplicationScoped
public class WebhookChannel implements OutboundChannel {
  private final HttpClient http;
  private final Duration requestTimeout;

  public WebhookChannel(IntakeConfig config) {
    this.requestTimeout = config.delivery().requestTimeout();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public boolean handles(TenantConfig tenant, OutboundMessage message) {
    return tenant.callbackUrl() != null;
  }

  @Override
  public void send(TenantConfig tenant, OutboundMessage message) throws DeliveryException {
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
    HttpResponse<Void> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new DeliveryException("callback unreachable: " + e, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException("interrupted", true, e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    // 408, 429 and 5xx are the receiver's temporary trouble; other 4xx will not change on retry.
    boolean retryable = status == 408 || status == 429 || status >= 500;
    throw new DeliveryException("callback answered HTTP " + status, retryable, null);
  }
}
