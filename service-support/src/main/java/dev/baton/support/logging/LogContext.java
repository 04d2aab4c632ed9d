package dev.baton.support.logging;

import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.Conversational;
import org.jboss.logging.MDC;

/**
 * The conversation a thread is working on, in the logging MDC: every log line written meanwhile
 * carries {@code tenant} and {@code conversationId} (and {@code traceId} when the record came with
 * one), as fields of their own in the JSON logs of the {@code cluster} profile. Identifiers only:
 * a customer's text never goes into the MDC.
 *
 * <p>Set where a record or request is handled, and {@link #clear()}ed in a {@code finally} when
 * that is done, since threads (Kafka consumers, stream threads, workers) move on to other tenants.
 */
public final class LogContext {
  public static final String TENANT = "tenant";
  public static final String CONVERSATION = "conversationId";
  public static final String TRACE = "traceId";

  private LogContext() {}

  public static void conversation(String tenantId, String conversationId) {
    if (tenantId != null) {
      MDC.put(TENANT, tenantId);
    }
    if (conversationId != null) {
      MDC.put(CONVERSATION, conversationId);
    }
  }

  /** The conversation a record's key ({@code <tenantId>/<conversationId>}) names, if it names one. */
  public static void conversationKey(String key) {
    int slash = key == null ? -1 : key.indexOf(ConversationKey.SEPARATOR);
    if (slash > 0) {
      conversation(key.substring(0, slash), key.substring(slash + 1));
    }
  }

  /** {@code value}'s conversation, if it belongs to one. */
  public static void conversationOf(Object value) {
    if (value instanceof Conversational c) {
      conversation(c.tenantId(), c.conversationId());
    }
  }

  /** The trace of the record or request being handled, or null. */
  public static String traceId() {
    Object id = MDC.get(TRACE);
    return id == null ? null : id.toString();
  }

  public static void trace(String traceId) {
    if (traceId != null) {
      MDC.put(TRACE, traceId);
    }
  }

  /** Tenant and conversation only: the request's trace goes on to its next event. */
  public static void clearConversation() {
    MDC.remove(TENANT);
    MDC.remove(CONVERSATION);
  }

  public static void clear() {
    clearConversation();
    MDC.remove(TRACE);
  }
}
