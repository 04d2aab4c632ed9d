package dev.baton.intake.rest;

import dev.baton.intake.channel.EmailIntake;
import dev.baton.intake.channel.EmailReader;
import dev.baton.intake.channel.InboundEmail;
import dev.baton.tenant.Channels;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A tenant's email on SendGrid's Inbound Parse: {@code /v1/channels/sendgrid/<tenant id>/<inbound
 * token>} (or {@code /v1/channels/sendgrid/<tenant id>} when the tenant uses basic auth alone),
 * configured as the parse setting's destination URL, "raw" off. The tenant is the path's; the
 * email must be addressed to one of its {@code addresses} (else 404).
 *
 * <p>SendGrid signs nothing: the secret path token and/or HTTP basic auth (user and password in the
 * URL, {@code https://user:password@host/...}) are what authenticate it, compared in constant
 * time; each one the tenant configured must match, else 401 (the same for an unknown tenant).
 * SendGrid retries a post that was not answered 2xx for three days: the email's Message-ID makes
 * every retry a duplicate.
 */
@Tag(name = "Email")
@APIResponse(responseCode = "401", description = "Unknown tenant, no SendGrid channel, or a wrong path token or basic auth (one answer for all)")
@Path("/v1/channels/sendgrid/{tenantId}")
public class SendGridResource {
  static final String PROVIDER = "sendgrid";

  private final TenantDirectory tenants;
  private final EmailIntake intake;

  public SendGridResource(TenantDirectory tenants, EmailIntake intake) {
    this.tenants = tenants;
    this.intake = intake;
  }

  @Operation(summary = "Receive an email from SendGrid Inbound Parse, authenticated by basic auth")
  @APIResponse(responseCode = "200", description = "Taken (accepted: true) or ignored (accepted: false, e.g. a redelivery)", content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @POST
  @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
  public Response basicOnly(@Context RoutingContext request, @PathParam("tenantId") String tenantId,
      @HeaderParam("Authorization") String authorization) {
    return receive(request, tenantId, null, authorization);
  }

  @Operation(summary = "Receive an email from SendGrid Inbound Parse, authenticated by the path token")
  @APIResponse(responseCode = "200", description = "Taken (accepted: true) or ignored (accepted: false, e.g. a redelivery)", content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @POST
  @Path("/{token}")
  @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
  public Response withToken(@Context RoutingContext request, @PathParam("tenantId") String tenantId,
      @PathParam("token") String token, @HeaderParam("Authorization") String authorization) {
    return receive(request, tenantId, token, authorization);
  }

  private Response receive(RoutingContext request, String tenantId, String token, String authorization) {
    Optional<TenantConfig> tenant = tenantOf(tenants, tenantId);
    Response refused = refusal(tenant.map(t -> t.channels().email()).orElse(null), token, authorization);
    if (refused != null) {
      return refused; // RequestLimits refuses it before the body is read; this keeps the resource safe alone
    }
    TenantConfig t = tenant.get();
    byte[] body = RequestLimits.body(request);
    InboundEmail parsed;
    try {
      Map<String, EmailReader.Part> parts =
          EmailReader.multipart(body == null ? new byte[0] : body, request.request().getHeader("Content-Type"));
      parsed = EmailReader.sendGrid(parts);
    } catch (InboundEmail.Invalid e) {
      return EmailResponses.invalid(e);
    }
    return EmailResponses.accept(intake, t, parsed, PROVIDER, () -> {});
  }

  /** The tenant of the path when it takes email through SendGrid. */
  static Optional<TenantConfig> tenantOf(TenantDirectory tenants, String tenantId) {
    return tenants.find(tenantId)
        .filter(t -> t.channels().email() != null && t.channels().email().provider() == Channels.EmailProvider.SENDGRID);
  }

  /** The 401 for a request that does not carry the tenant's credentials ({@code email} null: no such tenant); else null. */
  static Response refusal(Channels.Email email, String token, String authorization) {
    if (authenticated(email, token, authorization)) {
      return null;
    }
    Response.ResponseBuilder r = Response.fromResponse(Problem.response(401, "Unauthorized",
        "the request must carry the tenant's Inbound Parse path token and/or basic auth"));
    if (email != null && email.basicAuthUser() != null) {
      r.header("WWW-Authenticate", "Basic realm=\"baton\"");
    }
    return r.build();
  }

  /** Every credential the tenant configured must match; a tenant with none configured takes nothing. */
  static boolean authenticated(Channels.Email email, String token, String authorization) {
    boolean tokenSet = email != null && email.inboundToken() != null;
    boolean basicSet = email != null && email.basicAuthUser() != null && email.basicAuthPassword() != null;
    // Both comparisons always run, so that the answer takes as long whichever failed.
    boolean tokenOk = equal(tokenSet ? email.inboundToken() : "", token);
    String expected = basicSet ? "Basic " + Base64.getEncoder().encodeToString(
        (email.basicAuthUser() + ":" + email.basicAuthPassword()).getBytes(StandardCharsets.UTF_8)) : "";
    boolean basicOk = equal(expected, authorization == null ? null : authorization.strip());
    return (tokenSet || basicSet) && (!tokenSet || tokenOk) && (!basicSet || basicOk);
  }

  private static boolean equal(String expected, String given) {
    byte[] a = expected.getBytes(StandardCharsets.UTF_8);
    byte[] b = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
    return !expected.isEmpty() && MessageDigest.isEqual(a, b);
  }
}
