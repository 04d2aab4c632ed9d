package dev.baton.gateway.service;

import dev.baton.support.logging.LogContext;
import dev.baton.support.logging.TraceParent;
import dev.baton.support.metrics.BatonMetrics;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * How the feeds apply a record to Redis and settle it. Retried while Redis is unreachable, never
 * dropped; acknowledged once applied or dead-lettered; nacked on anything unexpected, so that the
 * channel's {@code failure-strategy=dead-letter-queue} keeps it and the feed goes on.
 */
final class Feeds {
  private static final Logger LOG = Logger.getLogger(Feeds.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private Feeds() {}

  /** The service stops while a record waits for Redis: the record is not the feed's to settle. */
  static final class Stopped extends RuntimeException {
    Stopped(String what, Throwable cause) {
      super("stopped while applying " + what, cause);
    }
  }

  /**
   * Hands the message's record to {@code apply} and settles the message: acknowledged when
   * {@code apply} returns, nacked (dead-lettered by the channel, which goes on) when it throws.
   * When the service stops during a Redis outage the message is neither: a nack would dead-letter
   * a record that is not at fault, an acknowledgement would skip it; left alone, its offset stays
   * uncommitted and the record is applied after the restart.
   */
  @SuppressWarnings("unchecked")
  static CompletionStage<Void> settle(Message<byte[]> message, Consumer<ConsumerRecord<String, byte[]>> apply) {
    ConsumerRecord<String, byte[]> record;
    try {
      record = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow().getRecord();
      LogContext.conversationKey(record.key());
      var trace = record.headers().lastHeader(TraceParent.HEADER);
      LogContext.trace(trace == null ? null : TraceParent.traceId(trace.value()));
      apply.accept(record);
    } catch (Stopped e) {
      LOG.warnf("%s; the record stays uncommitted and is applied after the restart", e.getMessage());
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return message.nack(e);
    } finally {
      LogContext.clear();
    }
    return message.ack();
  }

  /**
   * Runs {@code apply} until it succeeds. The record is settled only after, so a Redis outage
   * pauses the feed (and the partition's later records wait behind it, in order) instead of losing
   * what was in flight; each step is idempotent, so a retry after a partial success changes
   * nothing twice. Throws {@link Stopped} (never to be dead-lettered) if interrupted meanwhile.
   */
  static void untilApplied(String what, Runnable apply) {
    long backoff = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        apply.run();
        return;
      } catch (RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
          // The service is stopping, whatever the call it broke says about it.
          throw new Stopped(what, e);
        }
        if (!(e instanceof redis.clients.jedis.exceptions.JedisConnectionException)) {
          // Anything else (a record the script refuses) is the record's fault: the caller dead-letters it.
          throw e;
        }
        BatonMetrics.countRedisFailure(e, "gateway-feed");
        if (attempt == 1 || attempt % 20 == 0) {
          LOG.errorf("cannot apply %s to Redis (attempt %d), retrying: %s", what, attempt, e.getMessage());
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new Stopped(what, ie);
        }
        backoff = Math.min(MAX_BACKOFF.toMillis(), backoff * 2);
      }
    }
  }
}
