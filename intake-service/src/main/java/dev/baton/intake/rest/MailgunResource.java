package dev.baton.intake.rest;

import dev.baton.intake.channel.EmailIntake;
import dev.baton.intake.channel.EmailReader;
import dev.baton.intake.channel.FormBody;
import dev.baton.intake.channel.InboundEmail;
import dev.baton.intake.channel.MailgunSignature;
import dev.baton.intake.channel.MailgunTokens;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.support.metrics.BatonMetrics;
import dev.baton.tenant.Channels;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A tenant's email on Mailgun: the URL of a route's {@code forward()} action, {@code
 * /v1/channels/mailgun/<tenant id>}. The tenant is the path's; the email must be addressed to one
 * of its {@code addresses} (else 404).
 *
 * <p>Authenticated by the signature fields of the body ({@link MailgunSignature}) with the tenant's
 * webhook signing key: a missing or wrong signature, an unknown tenant or one without Mailgun get
 * the same 401. A signed post whose {@code timestamp} is further than {@code
 * intake.channels.email-timestamp-window} from now, or whose {@code token} was already used
 * ({@link MailgunTokens}), gets 406, which Mailgun takes as "rejected, do not retry". Mailgun posts
 * {@code application/x-www-form-urlencoded}, or {@code multipart/form-data} when the email has
 * attachments (read as fields; the files themselves are not kept).
 */
@Tag(name = "Email", description = "Inbound email: Mailgun routes and SendGrid Inbound Parse")
@Path("/v1/channels/mailgun/{tenantId}")
public class MailgunResource {
  static final String PROVIDER = "mailgun";
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{16,128}");
  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");

  private final TenantDirectory tenants;
  private final EmailIntake intake;
  private final MailgunTokens tokens;
  private final Duration window;

  public MailgunResource(TenantDirectory tenants, EmailIntake intake, MailgunTokens tokens, IntakeConfig config) {
    this.tenants = tenants;
    this.intake = intake;
    this.tokens = tokens;
    this.window = config.channels().emailTimestampWindow();
  }

  @Operation(summary = "Receive an email forwarded by a Mailgun route (signed with the webhook signing key)")
  @APIResponse(responseCode = "200", description = "Taken (accepted: true) or ignored (accepted: false, e.g. a redelivery)", content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @APIResponse(responseCode = "401", description = "Unknown tenant, no Mailgun channel, or a wrong signature (one answer for all)")
  @APIResponse(responseCode = "406", description = "A stale or replayed signature; Mailgun does not retry a 406")
  @POST
  @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
  public Response receive(@Context RoutingContext request, @PathParam("tenantId") String tenantId) {
    byte[] body = RequestLimits.body(request);
    Map<String, List<String>> form = form(body == null ? new byte[0] : body, request.request().getHeader("Content-Type"));
    Optional<TenantConfig> tenant = tenants.find(tenantId)
        .filter(t -> t.channels().email() != null && t.channels().email().provider() == Channels.EmailProvider.MAILGUN);
    String key = tenant.map(t -> t.channels().email().signingKey()).orElse(null);
    String timestamp = FormBody.first(form, "timestamp");
    String token = FormBody.first(form, "token");
    // Same work and the same answer whatever failed, so tenant ids cannot be probed.
    boolean valid = MailgunSignature.valid(key == null ? "" : key, String.valueOf(timestamp), String.valueOf(token),
        FormBody.first(form, "signature"));
    if (!valid || key == null || token == null || timestamp == null || !TOKEN.matcher(token).matches()
        || !TIMESTAMP.matcher(timestamp).matches()) {
      return Response.fromResponse(Problem.response(401, "Unauthorized",
          "the body must carry timestamp, token and signature signed with the tenant's Mailgun webhook signing key"))
          .build();
    }
    TenantConfig t = tenant.get();
    long age = Instant.now().getEpochSecond() - Long.parseLong(timestamp);
    if (Math.abs(age) > window.toSeconds()) {
      return Problem.response(406, "Stale webhook", "timestamp is " + age + "s from now, more than the "
          + window.toSeconds() + "s accepted; a replayed post is not taken");
    }
    InboundEmail email;
    try {
      email = EmailReader.mailgun(form);
    } catch (InboundEmail.Invalid e) {
      return EmailResponses.invalid(e);
    }
    if (EmailResponses.address(t, email) == null) {
      return EmailResponses.unknownRecipient(PROVIDER); // refused before its token is claimed: a fixed route's retry is taken
    }
    try {
      if (!tokens.claim(key, token, window.multipliedBy(2))) {
        return Problem.response(406, "Replayed webhook", "this token was already used; a replayed post is not taken");
      }
    } catch (JedisException e) {
      BatonMetrics.countRedisFailure(e, "mailgun-webhook");
      return EmailResponses.unavailable("the webhook could not be checked; Mailgun will deliver it again");
    }
    return EmailResponses.accept(intake, t, email, PROVIDER, () -> tokens.release(key, token));
  }

  /** The fields of a urlencoded or multipart body (files left out); empty when it cannot be read. */
  private static Map<String, List<String>> form(byte[] body, String contentType) {
    try {
      if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(RequestLimits.MULTIPART)) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        for (Map.Entry<String, EmailReader.Part> e : EmailReader.multipart(body, contentType).entrySet()) {
          if (e.getValue().filename() == null) {
            form.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1))
                .add(new String(e.getValue().bytes(), StandardCharsets.UTF_8));
          }
        }
        return form;
      }
      return FormBody.parse(body);
    } catch (InboundEmail.Invalid | IllegalArgumentException e) {
      return Map.of(); // nothing signed to read: answered 401
    }
  }
}
