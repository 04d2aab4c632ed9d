package dev.baton.intake.rest;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.TenantDirectory;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a {@code POST /v1/events}, a provider's webhook ({@code /v1/channels/...}) or a web chat
 * widget's request ({@code /v1/webchat/...}, JSON, {@code intake.max-body-bytes}) on the event
 * loop before the resource sees it, spending as
 * little as possible on a request that is not yet authenticated, and answers every refusal with a
 * problem body and a closed connection (the framework's own 413 and 431 have no body):
 *
 * <ul>
 *   <li>431 when the headers exceed {@code intake.max-header-bytes};
 *   <li>415 when {@code Content-Type} is missing or not the one the path takes: {@code
 *       application/json}, {@code application/x-www-form-urlencoded} for Twilio's webhooks, that
 *       or {@code multipart/form-data} for Mailgun's, {@code multipart/form-data} for SendGrid's
 *       (parameters such as {@code charset} are ignored);
 *   <li>413 when the declared {@code Content-Length} exceeds {@code intake.max-body-bytes} ({@code
 *       intake.channels.max-body-bytes} for providers' webhooks, which batch, {@code
 *       intake.channels.email-max-body-bytes} for the email providers'), before
 *       a byte of the body is read; a chunked body as soon as it passes the limit;
 *   <li>401 for SendGrid's webhook without the tenant's path token or basic auth ({@link
 *       SendGridResource#refusal}): its credentials are all in the URL and headers, so a stranger's
 *       body is not read;
 *   <li>408 when the request is not fully received within {@code intake.request-read-timeout} (a
 *       client trickling its body ties up no worker thread, and not for long).
 * </ul>
 *
 * The body is then handed to {@link EventResource} as bytes ({@link #body}). Runs before the
 * framework's own body limit ({@link RouteConstants#ROUTE_ORDER_UPLOAD_LIMIT}).
 */
@ApplicationScoped
public class RequestLimits {
  static final String PATH = "/v1/events";
  static final String CHANNELS = "/v1/channels/";
  static final String JSON = "application/json";
  static final String FORM = "application/x-www-form-urlencoded";
  static final String MULTIPART = "multipart/form-data";
  static final String MAILGUN = CHANNELS + "mailgun/";
  static final String SENDGRID = CHANNELS + "sendgrid/";
  private static final String BODY_KEY = "baton.intake.body";
  private static final long LINGER_MILLIS = 1_000;
  private static final long LINGER_BYTES = 1 << 20;

  private final IntakeConfig config;
  private final Vertx vertx;
  private final TenantDirectory tenants;

  public RequestLimits(IntakeConfig config, Vertx vertx, TenantDirectory tenants) {
    this.config = config;
    this.vertx = vertx;
    this.tenants = tenants;
  }

  void install(@Observes Router router) {
    router.route(PATH).order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::read);
    router.route(CHANNELS + "*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::read);
    router.route(WebChatCors.PREFIX + "*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::read);
  }

  /** The media types a path takes: Twilio posts forms, Mailgun forms or multipart, SendGrid multipart, everyone else JSON. */
  static java.util.List<String> mediaTypesOf(String path) {
    if (path.startsWith(CHANNELS + "twilio/")) {
      return java.util.List.of(FORM);
    }
    if (path.startsWith(MAILGUN)) {
      return java.util.List.of(FORM, MULTIPART);
    }
    if (path.startsWith(SENDGRID)) {
      return java.util.List.of(MULTIPART);
    }
    return java.util.List.of(JSON);
  }

  private int maxBodyBytes(String path) {
    if (path.startsWith(MAILGUN) || path.startsWith(SENDGRID)) {
      return config.channels().emailMaxBodyBytes(); // an email's attachments come in the same post
    }
    return path.startsWith(CHANNELS) ? config.channels().maxBodyBytes() : config.maxBodyBytes();
  }

  /** The body read by {@link #read}, or null when the request did not go through it. */
  static byte[] body(RoutingContext ctx) {
    Buffer body = ctx.get(BODY_KEY);
    return body == null ? null : body.getBytes();
  }

  private void read(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.method() != HttpMethod.POST) {
      ctx.next();
      return;
    }
    if (headerBytes(request.headers()) > config.maxHeaderBytes()) {
      refuse(ctx, Problem.response(431, "Request header fields too large",
          "the request headers exceed " + config.maxHeaderBytes() + " bytes"));
      return;
    }
    String path = ctx.normalizedPath();
    java.util.List<String> expected = mediaTypesOf(path);
    String type = request.getHeader("Content-Type");
    if (type == null || !expected.contains(mediaType(type))) {
      refuse(ctx, unsupportedMediaType(String.join(" or ", expected)));
      return;
    }
    int max = maxBodyBytes(path);
    String length = request.getHeader("Content-Length");
    if (length != null && declaredLength(length) > max) {
      refuse(ctx, tooLarge(max));
      return;
    }
    if (path.startsWith(SENDGRID)) {
      // SendGrid's credentials are all in the URL and headers: up to 10 MiB is not read for a stranger.
      Response unauthorized = sendGridRefusal(path.substring(SENDGRID.length()), request.getHeader("Authorization"));
      if (unauthorized != null) {
        refuse(ctx, unauthorized);
        return;
      }
    }
    Buffer body = Buffer.buffer(Math.min(max, 8192));
    AtomicBoolean refused = new AtomicBoolean();
    long timer = vertx.setTimer(config.requestReadTimeout().toMillis(), id -> {
      if (refused.compareAndSet(false, true)) {
        refuse(ctx, Problem.response(408, "Request timeout",
            "the request was not received within " + config.requestReadTimeout().toSeconds() + "s"), false);
      }
    });
    request.handler(chunk -> {
      if (refused.get()) {
        return;
      }
      if (body.length() + chunk.length() > max) {
        refused.set(true);
        vertx.cancelTimer(timer);
        refuse(ctx, tooLarge(max));
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> {
      if (refused.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        ctx.request().connection().close();
      }
    });
    request.endHandler(done -> {
      vertx.cancelTimer(timer);
      if (refused.compareAndSet(false, true)) {
        ctx.put(BODY_KEY, body);
        ctx.next();
      }
    });
  }

  /** {@link SendGridResource#refusal} for {@code <tenant>[/<token>]}; null when authenticated. */
  private Response sendGridRefusal(String rest, String authorization) {
    String[] segments = rest.split("/", -1);
    if (segments.length > 2) {
      return null; // no such resource: the framework answers 404
    }
    String token = segments.length == 2 ? segments[1] : null;
    return SendGridResource.refusal(SendGridResource.tenantOf(tenants, segments[0]).map(t -> t.channels().email())
        .orElse(null), token, authorization);
  }

  static Response tooLarge(int max) {
    return Response.fromResponse(
            Problem.response(413, "Payload too large", "the body must be at most " + max + " bytes"))
        .header("Connection", "close")
        .build();
  }

  static Response unsupportedMediaType(String expected) {
    return Problem.response(415, "Unsupported media type", "send Content-Type: " + expected);
  }

  /**
   * Writes a problem answer from the event loop, then closes the connection. Closing while the
   * client is still sending would make its TCP stack drop our answer (a reset), so the rest of the
   * body is discarded unread for at most {@link #LINGER_MILLIS} or {@link #LINGER_BYTES} first, as
   * web servers' lingering close does; a trickling client is closed at once.
   */
  private void refuse(RoutingContext ctx, Response problem) {
    refuse(ctx, problem, true);
  }

  private void refuse(RoutingContext ctx, Response problem, boolean linger) {
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(problem.getEntity());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    HttpServerRequest request = ctx.request();
    Runnable close = () -> request.connection().close();
    if (linger && !request.isEnded()) {
      AtomicLong discarded = new AtomicLong();
      long timer = vertx.setTimer(LINGER_MILLIS, id -> close.run());
      request.handler(chunk -> {
        if (discarded.addAndGet(chunk.length()) > LINGER_BYTES) {
          vertx.cancelTimer(timer);
          close.run();
        }
      });
      request.endHandler(done -> {
        vertx.cancelTimer(timer);
        close.run();
      });
      request.exceptionHandler(e -> close.run());
    }
    HttpServerResponse response = ctx.response();
    response.setStatusCode(problem.getStatus());
    response.putHeader("Content-Type", Problem.MEDIA_TYPE);
    Object challenge = problem.getHeaders().getFirst("WWW-Authenticate");
    if (challenge != null) {
      response.putHeader("WWW-Authenticate", challenge.toString());
    }
    response.putHeader("Connection", "close");
    response.end(Buffer.buffer(body)).onComplete(done -> {
      if (!linger || request.isEnded()) {
        close.run();
      }
    });
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  private static long declaredLength(String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1; // the HTTP codec refuses it itself
    }
  }

  private static long headerBytes(MultiMap headers) {
    long total = 0;
    for (Map.Entry<String, String> h : headers) {
      total += h.getKey().length() + h.getValue().length() + 4; // ": " and CRLF
    }
    return total;
  }
}
