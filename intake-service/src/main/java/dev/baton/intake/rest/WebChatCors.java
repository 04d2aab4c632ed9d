package dev.baton.intake.rest;

import dev.baton.schemas.serde.Json;
import dev.baton.tenant.TenantDirectory;
import dev.baton.tenant.WebChat;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;

/**
 * Cross-origin rules of a tenant's web chat ({@code /v1/webchat/<tenant>/...}), before anything
 * else reads the request: a page of one of the tenant's {@code allowedOrigins} gets the CORS
 * headers (and its preflight a 204); a request carrying any other {@code Origin} is refused with a
 * 403 problem, so another site's page can neither open a session in the tenant's name nor read a
 * visitor's replies. A request without {@code Origin} is not a browser's cross-origin request and
 * passes on to its token check (opening a session requires an allowed origin there too). The
 * widget's script itself ({@code /v1/webchat/widget.js}) is public.
 */
@ApplicationScoped
public class WebChatCors {
  static final String PREFIX = "/v1/webchat/";

  private final TenantDirectory tenants;

  public WebChatCors(TenantDirectory tenants) {
    this.tenants = tenants;
  }

  void install(@Observes Router router) {
    router.route(PREFIX + "*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2).handler(this::check);
  }

  private void check(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    int slash = path.indexOf('/', PREFIX.length());
    String origin = ctx.request().getHeader("Origin");
    if (slash < 0 || origin == null) {
      ctx.next(); // the widget's script, or not a cross-origin browser request
      return;
    }
    String tenantId = path.substring(PREFIX.length(), slash);
    WebChat webchat = tenants.find(tenantId).map(t -> t.channels().webchat()).orElse(null);
    if (webchat == null || !webchat.allows(origin)) {
      refuse(ctx);
      return;
    }
    ctx.response()
        .putHeader("Access-Control-Allow-Origin", origin)
        .putHeader("Vary", "Origin");
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      ctx.response()
          .putHeader("Access-Control-Allow-Methods", "GET, POST")
          .putHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID")
          .putHeader("Access-Control-Max-Age", "600")
          .setStatusCode(204)
          .end();
      return;
    }
    ctx.next();
  }

  private static void refuse(RoutingContext ctx) {
    Response problem = Problem.response(403, "Origin not allowed",
        "this page's origin is not one of the tenant's web chat allowedOrigins");
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(problem.getEntity());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    ctx.response().setStatusCode(403).putHeader("Content-Type", Problem.MEDIA_TYPE).end(Buffer.buffer(body));
  }
}
