package dev.baton.intake.rest;

import dev.baton.intake.channel.ChannelIntake;
import dev.baton.intake.channel.EmailIntake;
import dev.baton.intake.channel.InboundEmail;
import dev.baton.intake.service.FieldError;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.support.metrics.BatonMetrics;
import dev.baton.tenant.TenantConfig;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import redis.clients.jedis.exceptions.JedisException;

/** What the Mailgun and SendGrid webhooks answer once the sender is authenticated. */
final class EmailResponses {
  private static final Logger LOG = Logger.getLogger(EmailResponses.class);

  private EmailResponses() {}

  /** The tenant's address the email was sent to, or null. */
  static String address(TenantConfig tenant, InboundEmail email) {
    return email.recipients().stream().filter(tenant.channels().email()::receivesAt).findFirst().orElse(null);
  }

  /** 404 naming the recipient field: the email is for none of the tenant's addresses. */
  static Response unknownRecipient(String provider) {
    return Problem.response(404, "Unknown recipient", "the email is not addressed to an inbound address of the tenant",
        List.of(new FieldError(provider.equals("mailgun") ? "recipient" : "envelope.to",
            "is none of the tenant's addresses")));
  }

  /** Hands a tenant's email to the intake: 200 once stored (or known), 503 when it could not be. */
  static Response accept(EmailIntake intake, TenantConfig tenant, InboundEmail email, String provider, Runnable onFailure) {
    String address = address(tenant, email);
    if (address == null) {
      return unknownRecipient(provider);
    }
    try {
      EmailIntake.Outcome outcome = intake.accept(tenant, email, provider, address);
      return Response.ok("{\"accepted\":" + (outcome == EmailIntake.Outcome.ACCEPTED) + "}", MediaType.APPLICATION_JSON)
          .build();
    } catch (ChannelIntake.InFlight e) {
      onFailure.run();
      return unavailable(e.getMessage());
    } catch (PublishException e) {
      LOG.errorf("tenant %s: %s email not stored, broker failed: %s", tenant.id(), provider, e.getMessage());
      onFailure.run();
      return unavailable("the email could not be stored; the provider will deliver it again");
    } catch (JedisException e) {
      BatonMetrics.countRedisFailure(e, "email-webhook");
      LOG.errorf("tenant %s: %s email not stored, Redis failed: %s", tenant.id(), provider, e.toString());
      try {
        onFailure.run();
      } catch (JedisException ignored) {
        // Redis is down: the token claim is lost with it, and Mailgun's retry is answered by its timestamp.
      }
      return unavailable("the email could not be stored; the provider will deliver it again");
    }
  }

  static Response invalid(InboundEmail.Invalid e) {
    return Problem.response(400, "Invalid email", e.getMessage(),
        List.of(new FieldError(e.field(), e.getMessage().substring(e.field().length() + 2))));
  }

  static Response unavailable(String detail) {
    return Response.fromResponse(Problem.response(503, "Unavailable", detail)).header("Retry-After", "2").build();
  }
}
