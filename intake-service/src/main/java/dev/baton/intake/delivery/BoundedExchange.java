package dev.baton.intake.delivery;

import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP exchange with a partner (a tenant's callback, Meta's Graph API, Twilio's REST API) whose
 * deadline covers the whole of it: connecting, sending, the response headers and the response
 * body. {@link HttpRequest#timeout} alone stops at the headers, so a partner that answers its
 * headers and then trickles its body would hold the attempt open for as long as it likes; here the
 * future is bounded with {@code orTimeout} and the exchange cancelled (JDK 16+ aborts the
 * connection) when the deadline passes. Failures of the exchange itself are retryable {@link
 * DeliveryException}s naming the partner; what a status means is the caller's to decide.
 */
public final class BoundedExchange {
  private final String partner;
  private final Duration deadline;
  private final HttpClient http;

  public BoundedExchange(String partner, Duration deadline) {
    this.partner = partner;
    this.deadline = deadline;
    this.http = HttpClient.newBuilder().connectTimeout(deadline).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Sends the request; completes with the whole response, or fails with a {@link DeliveryException}
   * (wrapped in a {@link CompletionException}). The body handler must complete only once the body
   * is read ({@code ofString()}, {@code discarding()}), so that the deadline covers it.
   */
  public <T> CompletableFuture<HttpResponse<T>> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
    CompletableFuture<HttpResponse<T>> exchange = http.sendAsync(request.timeout(deadline).build(), body);
    return exchange
        .copy()
        .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .handle((response, failure) -> {
          if (failure != null) {
            exchange.cancel(true);
            throw new CompletionException(failed(failure));
          }
          return response;
        });
  }

  private DeliveryException failed(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    // The client's own request timeout (an IOException) races the whole-exchange one: both mean the deadline passed.
    if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
      return new DeliveryException(partner + " did not complete its answer within " + deadline, true, cause);
    }
    if (cause instanceof IOException) {
      return new DeliveryException(partner + " unreachable: " + cause, true, cause);
    }
    return new DeliveryException(partner + " exchange failed: " + cause, true, cause);
  }
}
