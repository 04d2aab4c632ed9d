package dev.baton.handoff.topology;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What made a transaction abort, so that its retry dead-letters it instead of failing the same way
 * for ever.
 *
 * <p>Under exactly-once an output the broker refuses poisons the whole transaction: the state
 * change and every other output go with it, so no handler can drop one output and go on (the
 * state would say QUEUED with no handoff record). The handlers record the failure here and fail;
 * the stream thread is replaced, the transaction aborted, and the work is done again from the last
 * commit. The retry finds it here and writes only its dead letter, in the transaction that commits
 * the input's offset (or the deadline's removal):
 *
 * <ol>
 *   <li>first retry: the dead letter with its payload (the input record, or the conversation's state);
 *   <li>second retry (that dead letter was refused too): the dead letter without its payload;
 *   <li>after that the failure is not the record's fault (the dead-letter topic or the broker is):
 *       the dead letter without payload is retried like any other write, and a thread that keeps
 *       failing takes liveness DOWN.
 * </ol>
 *
 * What failed is named by a source id that every output carries in the {@value #SOURCE_HEADER}
 * header, since a send error may come back after the stream thread has moved on to other records:
 * {@code <topic>:<partition>:<offset>} for an input record, {@code deadline:<deadline key>} for a
 * deadline a punctuator handled. Kept in memory, the latest {@value #MAX_ENTRIES}: after a
 * restart a record fails once more before its retry dead-letters it. Thread-safe.
 */
public final class FailedRecords {
  /** The key under which the exception handlers find this instance in the Kafka Streams config. */
  public static final String CONFIG = "baton.handoff.failed-records";
  /** Header on every output: the source id of what it was written for. */
  public static final String SOURCE_HEADER = "baton-source";

  static final int MAX_ENTRIES = 1000;
  /** Failures after which a thread's death is no longer the record's doing, and counts. */
  static final int SETTLING_ATTEMPTS = 2;

  /**
   * The failures of one source so far.
   *
   * @param reason why its transaction first aborted
   * @param attempts how many times it made a transaction abort
   * @param last the exception of the latest
   */
  public record Failure(String reason, int attempts, Throwable last) {
    /** The retry writes the dead letter with its payload (after a second failure, without). */
    public boolean withPayload() {
      return attempts <= 1;
    }
  }

  private final Map<String, Failure> failures = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Failure> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  /** The source id of input record {@code topic-partition@offset}. */
  public static String inputId(String topic, int partition, long offset) {
    return topic + ":" + partition + ":" + offset;
  }

  /** The source id of a deadline, by its key in the deadline store. */
  static String deadlineId(String deadlineKey) {
    return "deadline:" + deadlineKey;
  }

  /** The source id an output carries in {@code headers}, if any. */
  public static Optional<String> sourceOf(Headers headers) {
    Header h = headers == null ? null : headers.lastHeader(SOURCE_HEADER);
    return h == null || h.value() == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
  }

  /** The work for {@code sourceId} made its transaction abort, by {@code cause}. */
  public synchronized Failure failed(String sourceId, String reason, Throwable cause) {
    Failure before = failures.get(sourceId);
    Failure now = before == null
        ? new Failure(reason, 1, cause) : new Failure(before.reason(), before.attempts() + 1, cause);
    failures.put(sourceId, now);
    return now;
  }

  /** The earlier failures of {@code sourceId}: if any, its retry dead-letters it. */
  public synchronized Optional<Failure> of(String sourceId) {
    return Optional.ofNullable(failures.get(sourceId));
  }

  /**
   * True when {@code e} is, or was caused by, a failure recorded here whose retry settles the
   * record by dead-lettering it: the thread died on purpose, and its death says nothing about the
   * health of the service.
   */
  public synchronized boolean settledOnRetry(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Failure f : failures.values()) {
        if (f.last() == t) {
          return f.attempts() <= SETTLING_ATTEMPTS;
        }
      }
    }
    return false;
  }
}
