package dev.baton.intake.channel;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.ConversationEvent;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.tenant.TenantConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What both email webhooks do with an email of a tenant's: find its conversation ({@link
 * EmailThreads}), publish its events once ({@link ChannelIntake}), and remember its Message-ID and
 * what a reply needs. Broker and Redis failures reach the caller (503, the provider retries).
 */
@ApplicationScoped
public class EmailIntake {
  /** How an email ended. */
  public enum Outcome {
    ACCEPTED,
    DUPLICATE
  }

  private final ChannelIntake intake;
  private final EmailThreads threads;
  private final IntakeConfig config;

  public EmailIntake(ChannelIntake intake, EmailThreads threads, IntakeConfig config) {
    this.intake = intake;
    this.threads = threads;
    this.config = config;
  }

  /**
   * @param address the tenant's address it was sent to (one of {@code email.recipients()})
   */
  public Outcome accept(TenantConfig tenant, InboundEmail email, String provider, String address)
      throws PublishException, ChannelIntake.InFlight {
    String id = email.messageId();
    if (id != null && threads.known(tenant.id(), id)) {
      return Outcome.DUPLICATE; // taken before (SendGrid retries for days), or an id Baton sent
    }
    Placed placed = place(tenant.id(), email);
    List<ConversationEvent> events = EmailEvents.toEvents(tenant.id(), email, placed.conversation(), provider,
        address, Instant.now(), config.maxTextLength());
    intake.accept(events);
    if (id != null) {
      threads.remember(tenant.id(), id, placed.conversation());
    }
    EmailThreads.Thread next = next(placed.thread(), email);
    if (next != null) {
      threads.update(tenant.id(), placed.conversation(), next);
    }
    return Outcome.ACCEPTED;
  }

  /** The conversation an email goes to, and that conversation's thread when it joins one. */
  record Placed(String conversation, EmailThreads.Thread thread) {}

  /** The conversation of {@link #place}. */
  String conversationOf(String tenantId, InboundEmail email) {
    return place(tenantId, email).conversation();
  }

  /**
   * In-Reply-To, then References newest first, name a known thread; it is joined only when the
   * email comes from that thread's customer. Anyone can put a Message-ID in References, and a
   * colleague on Cc may answer too: neither may take over the conversation (replies go to the
   * thread's customer). Otherwise a new conversation, named by the thread's root and the sender,
   * so that each sender's emails of one thread still land in one conversation of their own.
   */
  Placed place(String tenantId, InboundEmail email) {
    List<String> candidates = new ArrayList<>();
    if (email.inReplyTo() != null) {
      candidates.add(email.inReplyTo());
    }
    List<String> newestFirst = new ArrayList<>(email.references());
    Collections.reverse(newestFirst);
    candidates.addAll(newestFirst);
    Optional<String> found = threads.conversationOf(tenantId, candidates);
    if (found.isPresent()) {
      Optional<EmailThreads.Thread> thread = threads.thread(tenantId, found.get());
      if (thread.isPresent() && email.fromAddress() != null
          && email.fromAddress().equals(thread.get().customerAddress())) {
        return new Placed(found.get(), thread.get());
      }
    }
    String root = !email.references().isEmpty() ? email.references().get(0)
        : email.inReplyTo() != null ? email.inReplyTo()
        : email.messageId() != null ? email.messageId()
        : EmailEvents.eventId(email);
    String conversation = EmailThreads.newConversation(root, email.fromAddress());
    // The sender's own earlier email of this thread (the conversation exists under its name).
    return new Placed(conversation, threads.thread(tenantId, conversation)
        .filter(t -> email.fromAddress() != null && email.fromAddress().equals(t.customerAddress())).orElse(null));
  }

  /**
   * The thread after {@code email}; null when it changes nothing. An email the thread already
   * references is older than its last one (a provider's late retry): the thread does not go back
   * to it. An email without a Message-ID keeps the last one known, which a reply can still answer.
   */
  static EmailThreads.Thread next(EmailThreads.Thread known, InboundEmail email) {
    String id = email.messageId();
    if (known != null && id != null && (known.references().contains(id) || id.equals(known.lastMessageId()))) {
      return null;
    }
    List<String> references = new ArrayList<>(email.references());
    if (references.isEmpty() && email.inReplyTo() != null) {
      references.add(email.inReplyTo());
    }
    if (known != null && id == null) {
      return new EmailThreads.Thread(known.customerAddress(), email.fromName() != null ? email.fromName()
          : known.customerName(), email.subject() != null ? email.subject() : known.subject(), known.lastMessageId(),
          known.references());
    }
    return new EmailThreads.Thread(email.fromAddress(), email.fromName() != null || known == null ? email.fromName()
        : known.customerName(), email.subject() != null || known == null ? email.subject() : known.subject(), id,
        EmailThreads.references(references, id));
  }
}
