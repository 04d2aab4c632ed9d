package dev.baton.intake.channel;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.Channels;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A Mailgun tenant's replies: {@code POST {apiBaseUrl}/v3/{domain}/messages}, HTTP Basic auth
 * {@code api:<API key>}, a form of {@code from}, {@code to}, {@code subject}, {@code text} and the
 * threading headers as {@code h:Message-Id}, {@code h:In-Reply-To}, {@code h:References}. Mailgun
  * answers {@code {"id":"<message id>","message":"Queued. Thank you."}}. See {@link EmailChannel}.
 *
 * <p>A singleton (not proxied): it extends {@link EmailChannel}, whose constructor takes its collaborators.
 */
@Singleton
public class MailgunChannel extends EmailChannel {
  @Inject
  public MailgunChannel(IntakeConfig config, EmailThreads threads, EmailSentMessages sent) {
    this(config.delivery().requestTimeout(), threads, sent, Infrastructure.getDefaultWorkerPool());
  }

  public MailgunChannel(Duration requestTimeout, EmailThreads threads, EmailSentMessages sent, Executor blocking) {
    super(Channels.EmailProvider.MAILGUN, requestTimeout, threads, sent, blocking);
  }

  @Override
  public String provider() {
    return "mailgun";
  }

  @Override
  protected HttpRequest.Builder request(Channels.Email email, Reply reply) throws DeliveryException {
    if (email.sendingDomain() == null) {
      throw permanent("Mailgun sending domain not configured");
    }
    String authorization = "Basic " + Base64.getEncoder().encodeToString(
        ("api:" + email.apiKey()).getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(endpoint(email.apiBaseUrl() + "/v3/" + email.sendingDomain() + "/messages"))
        .header("Authorization", authorization)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(TwilioMessagingChannel.encode(form(email, reply))));
  }

  /** The form, in this order: from, to, subject, text, h:Message-Id, h:In-Reply-To, h:References. */
  static Map<String, String> form(Channels.Email email, Reply reply) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("from", mailbox(email.fromName(), email.fromAddress()));
    form.put("to", mailbox(reply.toName(), reply.to()));
    form.put("subject", reply.subject());
    form.put("text", reply.text());
    form.put("h:Message-Id", "<" + reply.messageId() + ">");
    if (reply.inReplyTo() != null) {
      form.put("h:In-Reply-To", "<" + reply.inReplyTo() + ">");
    }
    if (!reply.references().isEmpty()) {
      form.put("h:References", reply.referencesHeader());
    }
    return form;
  }

  /** {@code "Name" <address>} (quotes and backslashes escaped; Mailgun encodes non-ASCII), or the address. */
  static String mailbox(String name, String address) {
    if (name == null || name.isBlank()) {
      return address;
    }
    String clean = name.replaceAll("[\\r\\n\\t]+", " ").strip().replace("\\", "\\\\").replace("\"", "\\\"");
    return "\"" + clean + "\" <" + address + ">";
  }

  @Override
  protected String acceptedId(HttpResponse<String> response) {
    try {
      var id = Json.MAPPER.readTree(response.body()).path("id");
      return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
