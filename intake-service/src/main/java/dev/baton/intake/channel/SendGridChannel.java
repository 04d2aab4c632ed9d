package dev.baton.intake.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.Channels;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A SendGrid tenant's replies: {@code POST {apiBaseUrl}/v3/mail/send}, {@code Authorization:
 * Bearer <API key>}, JSON {@code personalizations[0].to}, {@code from}, {@code subject}, {@code
 * content} (text/plain) and {@code headers} with {@code Message-ID}, {@code In-Reply-To} and
 * {@code References} (SendGrid reserves To, From, Subject, Reply-To, CC, BCC, Content-Type,
 * Content-Transfer-Encoding, Received, DKIM-Signature and its x-sg ids, not these). SendGrid answers
 * 202 with an empty body and its id in {@code X-Message-Id}. See {@link EmailChannel}.
 */
@Singleton
public class SendGridChannel extends EmailChannel {
  @Inject
  public SendGridChannel(IntakeConfig config, EmailThreads threads, EmailSentMessages sent) {
    this(config.delivery().requestTimeout(), threads, sent, Infrastructure.getDefaultWorkerPool());
  }

  public SendGridChannel(Duration requestTimeout, EmailThreads threads, EmailSentMessages sent, Executor blocking) {
    super(Channels.EmailProvider.SENDGRID, requestTimeout, threads, sent, blocking);
  }

  @Override
  public String provider() {
    return "sendgrid";
  }

  @Override
  protected HttpRequest.Builder request(Channels.Email email, Reply reply) throws DeliveryException {
    return HttpRequest.newBuilder(endpoint(email.apiBaseUrl() + "/v3/mail/send"))
        .header("Authorization", "Bearer " + email.apiKey())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body(email, reply)), StandardCharsets.UTF_8));
  }

  static ObjectNode body(Channels.Email email, Reply reply) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode to = body.putArray("personalizations").addObject().putArray("to").addObject();
    to.put("email", reply.to());
    if (reply.toName() != null && !reply.toName().isBlank()) {
      to.put("name", reply.toName());
    }
    ObjectNode from = body.putObject("from");
    from.put("email", email.fromAddress());
    if (email.fromName() != null) {
      from.put("name", email.fromName());
    }
    body.put("subject", reply.subject());
    ObjectNode content = body.putArray("content").addObject();
    content.put("type", "text/plain");
    content.put("value", reply.text());
    ObjectNode headers = body.putObject("headers");
    headers.put("Message-ID", "<" + reply.messageId() + ">");
    if (reply.inReplyTo() != null) {
      headers.put("In-Reply-To", "<" + reply.inReplyTo() + ">");
    }
    if (!reply.references().isEmpty()) {
      headers.put("References", reply.referencesHeader());
    }
    return body;
  }

  @Override
  protected String acceptedId(HttpResponse<String> response) {
    return response.headers().firstValue("X-Message-Id").filter(id -> !id.isBlank()).orElse(null);
  }
}
