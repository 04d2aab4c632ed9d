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
    String conversation = conversationOf(tenant.id(), email);
    List<ConversationEvent> events = EmailEvents.toEvents(tenant.id(), email, conversation, provider, address,
        Instant.now(), config.maxTextLength());
    intake.accept(events);
    if (id != null) {
      threads.remember(tenant.id(), id, conversation);
    }
    List<String> references = new ArrayList<>(email.references());
    if (references.isEmpty() && email.inReplyTo() != null) {
      references.add(email.inReplyTo());
    }
    threads.update(tenant.id(), conversation, new EmailThreads.Thread(email.fromAddress(), email.fromName(),
        email.subject(), id, EmailThreads.references(references, id)));
    return Outcome.ACCEPTED;
  }

  /** In-Reply-To, then References newest first; else a new conversation named by the thread's root. */
  String conversationOf(String tenantId, InboundEmail email) {
    List<String> candidates = new ArrayList<>();
    if (email.inReplyTo() != null) {
      candidates.add(email.inReplyTo());
    }
    List<String> newestFirst = new ArrayList<>(email.references());
    Collections.reverse(newestFirst);
    candidates.addAll(newestFirst);
    return threads.conversationOf(tenantId, candidates).orElseGet(() -> {
      String root = !email.references().isEmpty() ? email.references().get(0)
          : email.inReplyTo() != null ? email.inReplyTo()
          : email.messageId() != null ? email.messageId()
          : EmailEvents.eventId(email);
      return EmailThreads.newConversation(root);
    });
  }
}
