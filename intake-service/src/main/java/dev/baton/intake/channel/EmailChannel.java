package dev.baton.intake.channel;

import dev.baton.intake.delivery.BoundedExchange;
import dev.baton.intake.delivery.OutboundChannel;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.OutboundMessage;
import dev.baton.tenant.Channels;
import dev.baton.tenant.TenantConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.jboss.logging.Logger;

/**
 * Sends a tenant's replies by email, threaded into the customer's conversation: what the two email
 * providers' channels ({@link MailgunChannel}, {@link SendGridChannel}) share.
 *
 * <ul>
 *   <li><b>Threading.</b> {@code In-Reply-To} is the customer's last Message-ID of the
 *       conversation and {@code References} the thread's ids with it ({@link EmailThreads}); the
 *       subject is {@code Re: <the customer's subject>}. The reply's own {@code Message-ID},
 *       {@code <baton.<h(tenant, message id)>@<from domain>>}, is remembered as the conversation's,
 *       so that the customer's answer to it comes back to the same conversation.
 *   <li><b>Once.</b> Neither API takes an idempotency key. The reply's Message-ID is derived from
 *       Baton's message id and recorded once the provider accepted it ({@link EmailSentMessages}):
 *       a redelivered message with that record is not sent again (the engine's delivered mark
 *       covers the rest), and a mail client shows two copies with one Message-ID as one. While
 *       one delivery sends, it holds a claim on the Message-ID ({@code SET NX}, released when the
 *       attempt fails), so that a second one in flight does not send it too.
 *   <li><b>Errors</b> ({@link EmailErrors}): 408, 429 and 5xx are retried by the engine, the rest
 *       dead-lettered with the HTTP status (and SendGrid's refused fields).
 * </ul>
 *
 * Each request is bounded by {@code intake.delivery.request-timeout}, body included; Redis is
 * called on the blocking executor, never on the HTTP client's threads. Neither the API key, the
 * address nor the text is ever logged.
 */
public abstract class EmailChannel implements OutboundChannel {
  private static final Logger LOG = Logger.getLogger(EmailChannel.class);
  private static final Pattern RE = Pattern.compile("^\\s*(re|aw|sv|antw)\\s*:\\s*", Pattern.CASE_INSENSITIVE);
  private static final int MAX_SUBJECT = 200;

  /** A reply ready to go: what both request shapes are made of. */
  public record Reply(String messageId, String to, String toName, String subject, String text, String inReplyTo,
      List<String> references) {
    /** {@code <id> <id> ...}, the References header. */
    public String referencesHeader() {
      return references.stream().map(id -> "<" + id + ">").collect(Collectors.joining(" "));
    }
  }

  private final Channels.EmailProvider kind;
  private final BoundedExchange exchange;
  private final EmailThreads threads;
  private final EmailSentMessages sent;
  private final Executor blocking;
  private final Duration claimFor;

  protected EmailChannel(Channels.EmailProvider kind, Duration requestTimeout, EmailThreads threads,
      EmailSentMessages sent, Executor blocking) {
    this.kind = kind;
    this.exchange = new BoundedExchange(kind.name().toLowerCase(Locale.ROOT), requestTimeout);
    // Past the longest attempt, so that a claim left by a crashed instance does not stop the reply for long.
    this.claimFor = requestTimeout.multipliedBy(2).plusMinutes(1);
    this.threads = threads;
    this.sent = sent;
    this.blocking = blocking;
  }

  @Override
  public boolean handles(TenantConfig tenant, OutboundMessage message) {
    Channels.Email email = tenant.channels().email();
    return message.channel() == Channel.EMAIL && email != null && email.provider() == kind;
  }

  /** The provider's request for this reply. */
  protected abstract HttpRequest.Builder request(Channels.Email email, Reply reply) throws DeliveryException;

  /** The provider's id of the accepted email, from its answer; null when it names none. */
  protected abstract String acceptedId(HttpResponse<String> response);

  /** Completes with the provider's id of the email (the reply's Message-ID when it names none). */
  @Override
  public CompletionStage<String> send(TenantConfig tenant, OutboundMessage message) {
    Channels.Email email = tenant.channels().email();
    if (email.apiKey() == null) {
      return CompletableFuture.failedFuture(permanent(provider() + " API key not configured (the variable named by"
          + " apiKeyEnv is unset)"));
    }
    if (message.text().isBlank()) {
      return CompletableFuture.failedFuture(permanent("text is empty"));
    }
    String messageId = messageId(tenant, email, message);
    return CompletableFuture.supplyAsync(() -> prepare(tenant, email, message, messageId), blocking)
        .thenCompose(prepared -> {
          if (prepared.alreadySent() != null) {
            LOG.debugf("%s already sent for %s as %s: not sent again", safe(message.messageId()), tenant.id(),
                safe(prepared.alreadySent()));
            return CompletableFuture.completedFuture(prepared.alreadySent());
          }
          HttpRequest.Builder request;
          try {
            request = request(email, prepared.reply());
          } catch (DeliveryException e) {
            release(tenant, messageId);
            return CompletableFuture.failedFuture(e);
          }
          return exchange.send(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
              return acceptedId(response);
            }
            throw new CompletionException(EmailErrors.failure(provider(), status, response.body()));
          }).handleAsync((id, failure) -> {
            if (failure != null) {
              release(tenant, messageId);
              throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            remember(tenant, message, messageId, id);
            return id != null ? id : messageId;
          }, blocking);
        });
  }

  /** Lets a later delivery send the reply after this one failed (nothing was accepted); runs on {@link #blocking}. */
  private void release(TenantConfig tenant, String messageId) {
    try {
      sent.release(tenant.id(), messageId);
    } catch (RuntimeException e) {
      LOG.warnf("cannot release the email claim of %s in Redis (its retry waits for the claim to expire): %s",
          tenant.id(), e.getMessage());
    }
  }

  private record Prepared(Reply reply, String alreadySent) {}

  /** Reads the thread and the sent record; runs on {@link #blocking}. */
  private Prepared prepare(TenantConfig tenant, Channels.Email email, OutboundMessage m, String messageId) {
    try {
      Optional<SentMessages.Sent> before;
      Optional<EmailThreads.Thread> thread;
      try {
        before = sent.lookup(tenant.id(), messageId);
        thread = threads.thread(tenant.id(), m.conversationId());
      } catch (RuntimeException e) {
        throw new DeliveryException("cannot read the email thread: " + e.getMessage(), true, e);
      }
      if (before.isPresent()) {
        return new Prepared(null, messageId);
      }
      String to = recipient(m.recipient(), thread.orElse(null));
      // Two deliveries of one message in flight (a redelivery while the first waits on the provider)
      // would both find no record: only the one holding the claim sends, the other is retried later.
      boolean claimed;
      try {
        claimed = sent.claim(tenant.id(), messageId, claimFor);
      } catch (RuntimeException e) {
        throw new DeliveryException("cannot claim the email in Redis: " + e.getMessage(), true, e);
      }
      if (!claimed) {
        throw new DeliveryException("another delivery of this message is being sent", true, null);
      }
      String name = m.recipient() != null && m.recipient().name() != null ? m.recipient().name()
          : thread.map(EmailThreads.Thread::customerName).orElse(null);
      String subject = subject(thread.map(EmailThreads.Thread::subject).orElse(null), tenant);
      String inReplyTo = thread.map(EmailThreads.Thread::lastMessageId).orElse(null);
      List<String> references = thread.map(EmailThreads.Thread::references).orElse(List.of());
      return new Prepared(new Reply(messageId, to, name, subject, m.text(), inReplyTo, references), null);
    } catch (DeliveryException e) {
      throw new CompletionException(e);
    }
  }

  /**
   * Records the reply's Message-ID (and the provider's id) as the conversation's and as sent; runs
   * on {@link #blocking}. The email was accepted, so a Redis failure here must not fail the attempt
   * (a retry would send it again): it costs the threading of the customer's answer only.
   */
  private void remember(TenantConfig tenant, OutboundMessage m, String messageId, String providerId) {
    try {
      SentMessages.Sent record = new SentMessages.Sent(m.messageId(), m.conversationId(), Channel.EMAIL, 1, 1);
      sent.record(tenant.id(), messageId, record);
      sent.keep(tenant.id(), messageId);
      threads.remember(tenant.id(), messageId, m.conversationId());
      String bare = providerId == null ? null : EmailReader.firstId(providerId);
      if (bare != null && !bare.equals(messageId)) {
        threads.remember(tenant.id(), bare, m.conversationId());
      }
    } catch (RuntimeException e) {
      LOG.warnf("cannot record email %s of %s in Redis (the customer's answer may open a new conversation): %s",
          safe(m.messageId()), tenant.id(), e.getMessage());
    }
    LOG.debugf("sent %s for %s by %s as %s", safe(m.messageId()), tenant.id(), provider(), safe(providerId));
  }

  /** {@code baton.<h(tenant, message id)>@<the from address's domain>}, without brackets. */
  static String messageId(TenantConfig tenant, Channels.Email email, OutboundMessage m) {
    String from = email.fromAddress();
    String domain = from == null ? "baton.invalid" : from.substring(from.indexOf('@') + 1);
    return "baton." + EmailThreads.hash(tenant.id() + '\u0000' + m.messageId()) + "@" + domain;
  }

  /** {@code Re: <subject>} (not {@code Re: Re:}); the tenant's name when the customer gave none. */
  static String subject(String customerSubject, TenantConfig tenant) {
    String s = oneLine(customerSubject == null ? "" : customerSubject).strip();
    // One matcher walking past every prefix: removing them one by one copies the rest each time.
    Matcher re = RE.matcher(s);
    int at = 0;
    while (at < s.length() && re.region(at, s.length()).lookingAt()) {
      at = re.end();
    }
    s = s.substring(at);
    if (s.isEmpty()) {
      return "Re: " + (tenant.name() == null ? tenant.id() : tenant.name());
    }
    return "Re: " + (s.length() <= MAX_SUBJECT ? s : s.substring(0, MAX_SUBJECT));
  }

  /** Each run of blanks holding a line break or tab as one space, in one pass (a pattern would backtrack). */
  private static String oneLine(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (!Character.isWhitespace(s.charAt(i))) {
        out.append(s.charAt(i++));
        continue;
      }
      int end = i;
      boolean breaks = false;
      while (end < s.length() && Character.isWhitespace(s.charAt(end))) {
        char c = s.charAt(end++);
        breaks |= c == '\r' || c == '\n' || c == '\t';
      }
      out.append(breaks ? " " : s.substring(i, end));
      i = end;
    }
    return out.toString();
  }

  /** recipient.email, else recipient.id when it is an address, else the thread's customer. */
  static String recipient(Customer recipient, EmailThreads.Thread thread) throws DeliveryException {
    for (String candidate : new String[] {recipient == null ? null : recipient.email(),
        recipient == null ? null : recipient.id(), thread == null ? null : thread.customerAddress()}) {
      String address = address(candidate);
      if (address != null) {
        return address;
      }
    }
    // The address itself is personal data: the reason names the fields, not their values.
    throw permanent("no email address for the recipient: recipient.email and recipient.id are not addresses and"
        + " the conversation has no email thread");
  }

  private static String address(String candidate) {
    if (candidate == null || candidate.isBlank() || candidate.indexOf('@') < 1) {
      return null;
    }
    try {
      Mailbox m = LenientAddressParser.DEFAULT.parseMailbox(candidate.strip());
      if (m == null || m.getLocalPart() == null || m.getLocalPart().isEmpty() || m.getDomain() == null
          || m.getDomain().isEmpty() || !EmailReader.safeAddress(m.getAddress())) {
        return null;
      }
      return m.getAddress().toLowerCase(Locale.ROOT);
    } catch (RuntimeException e) {
      return null;
    }
  }

  protected static URI endpoint(String url) throws DeliveryException {
    try {
      return URI.create(url);
    } catch (IllegalArgumentException e) {
      throw permanent("apiBaseUrl is not a valid URL");
    }
  }

  protected static DeliveryException permanent(String reason) {
    return new DeliveryException(reason, false, null);
  }

  private static String safe(String id) {
    return DeadLetters.bounded(id);
  }
}
