package dev.baton.intake.rest;

import dev.baton.intake.channel.FormBody;
import dev.baton.intake.channel.TwilioSignature;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates Twilio's webhooks: {@code X-Twilio-Signature} over the public URL Twilio called and
 * every POST parameter, with the tenant's auth token or, while rotating, the previous one; the
 * {@code AccountSid} must be the tenant's. Unknown tenants cost the same work as a wrong signature.
 */
@ApplicationScoped
public class TwilioAuth {
  private static final String NO_TOKEN = "no-token";

  private final TenantDirectory tenants;
  private final IntakeConfig config;

  public TwilioAuth(TenantDirectory tenants, IntakeConfig config) {
    this.tenants = tenants;
    this.config = config;
  }

  /** A request of the tenant's Twilio account, signed with its token, and its parameters. */
  public record Authenticated(TenantConfig tenant, Map<String, List<String>> params) {
    public String param(String name) {
      return FormBody.first(params, name);
    }
  }

  public Optional<Authenticated> authenticate(RoutingContext request, String tenantId, String signature) {
    byte[] body = RequestLimits.body(request);
    Map<String, List<String>> params;
    try {
      params = FormBody.parse(body);
    } catch (IllegalArgumentException e) {
      params = Map.of();
    }
    TenantConfig tenant = tenants.find(tenantId).filter(t -> t.channels().twilio() != null).orElse(null);
    List<String> tokens = tenant == null ? List.of() : tenant.channels().twilio().acceptedAuthTokens();
    String url = publicUrl(request.request());
    boolean valid = false;
    // Always one check at least, so that an unknown tenant costs what a wrong signature costs.
    for (String token : tokens.isEmpty() ? List.of(NO_TOKEN) : tokens) {
      valid |= TwilioSignature.valid(token, url, params, signature);
    }
    valid &= !tokens.isEmpty();
    if (!valid || !tenant.channels().twilio().accountSid().equals(FormBody.first(params, "AccountSid"))) {
      return Optional.empty();
    }
    return Optional.of(new Authenticated(tenant, params));
  }

  /** The URL Twilio requested: the configured public base, else as forwarded or received. */
  String publicUrl(HttpServerRequest request) {
    String pathAndQuery = request.uri();
    Optional<String> base = config.channels().publicBaseUrl();
    if (base.isPresent()) {
      String b = base.get();
      return (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + pathAndQuery;
    }
    String proto = request.getHeader("X-Forwarded-Proto");
    String host = request.getHeader("X-Forwarded-Host");
    if (proto == null || host == null) {
      return request.absoluteURI();
    }
    return proto + "://" + host + pathAndQuery;
  }

  static Response unauthorized() {
    return Problem.response(401, "Unauthorized",
        "the request must carry a valid " + TwilioSignature.HEADER + " from the tenant's Twilio account");
  }
}
