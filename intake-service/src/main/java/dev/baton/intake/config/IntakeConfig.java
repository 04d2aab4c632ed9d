package dev.baton.intake.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the intake service; every one has a default fit for the local run. */
@ConfigMapping(prefix = "intake")
public interface IntakeConfig {

  /** How far a webhook's signed timestamp may be from our clock before it is refused. */
  @WithDefault("5m")
  Duration signatureTolerance();

  /** How long an event id is remembered to drop retried webhooks. */
  @WithDefault("24h")
  Duration dedupTtl();

  /**
   * Largest accepted request body, in bytes; larger gets 413. Enforced while reading: a declared
   * {@code Content-Length} above it is refused before any byte of the body is read, a chunked body
   * as soon as it passes it.
   */
  @WithDefault("65536")
  int maxBodyBytes();

  /**
   * Largest accepted request head (all header names and values), in bytes; larger gets 431 with a
   * problem body. {@code quarkus.http.limits.max-header-size} is the framework's backstop above it.
   */
  @WithDefault("8192")
  int maxHeaderBytes();

  /**
   * Longest time a client may take to send its request, head to last body byte; a slower one gets
   * 408 and its connection is closed.
   */
  @WithDefault("10s")
  Duration requestReadTimeout();

  /** How far {@code occurredAt} may be from the time of receipt, either way. */
  @WithDefault("24h")
  Duration occurredAtWindow();

  /** Most field errors listed in one 400 answer; a last entry says how many more were found. */
  @WithDefault("20")
  int maxErrors();

  /** Longest accepted message text, in characters. */
  @WithDefault("4000")
  int maxTextLength();

  /** How long to wait for the broker to confirm an event before answering 503. */
  @WithDefault("10s")
  Duration publishTimeout();

  /**
   * How long an event id stays claimed ({@code pending}) while it is being published. Must exceed
   * {@code publish-timeout} plus the producer's {@code max.block.ms} (5 s): a claim left behind by
   * a crash then expires and the sender's retry goes through, instead of answering 409 until
   * {@code dedup-ttl} runs out.
   */
  @WithDefault("30s")
  Duration claimTimeout();

  Delivery delivery();

  Channels channels();

  WebChat webchat();

  /** The web chat widget's endpoints ({@code /v1/webchat/...}). */
  interface WebChat {
    /**
     * New sessions (conversations) one client address may open per tenant and minute; more get 429
     * with {@code Retry-After}. A returning visitor's valid token does not count. The address is the
     * connection's peer: behind a proxy or load balancer, enable {@code
     * quarkus.http.proxy.proxy-address-forwarding} (and trust only that proxy), else every visitor
     * shares the proxy's address and its limit.
     */
    @WithDefault("30")
    int sessionsPerMinute();
  }

  /** The providers' webhooks ({@code /v1/channels/...}). */
  interface Channels {
    /**
     * Largest accepted webhook body, in bytes. Above the generic limit because providers batch
     * (several messages and statuses in one WhatsApp POST, each text up to 4,096 characters, non-ASCII
     * escaped six bytes a character); {@code quarkus.http.limits.max-body-size} must not be below it.
     */
    @WithDefault("262144")
    int maxBodyBytes();

    /**
     * The public base URL providers call, e.g. {@code https://baton.example.com}: Twilio signs the
     * URL it requested, which behind a proxy or TLS terminator is not what reaches the intake.
     * Unset, the URL is rebuilt from {@code X-Forwarded-Proto} / {@code X-Forwarded-Host} or the
     * request itself (fine for a direct connection; set it in production).
     */
    java.util.Optional<String> publicBaseUrl();

    /**
     * Largest accepted body of an email provider's webhook (Mailgun, SendGrid), in bytes: the
     * email's attachments come in the same post (Baton does not keep them); a larger email gets
     * 413. {@code quarkus.http.limits.max-body-size} must not be below it.
     */
    @WithDefault("10485760")
    int emailMaxBodyBytes();

    /**
     * How far a Mailgun webhook's signed {@code timestamp} may be from now. Mailgun retries a post
     * that failed (503) for 8 hours with the same signature, so the window covers that; its tokens
     * are remembered twice as long, so that no signed post is taken twice within it.
     */
    @WithDefault("9h")
    Duration emailTimestampWindow();
  }

  /** Delivery of outbound messages to the tenants' callbacks and providers (WhatsApp Cloud API). */
  interface Delivery {
    /** Attempts per message before it goes to the dead-letter topic. */
    @WithDefault("6")
    int maxAttempts();

    /** Wait before the first retry; doubled each time. */
    @WithDefault("500ms")
    Duration initialBackoff();

    /** Longest wait between two attempts. */
    @WithDefault("30s")
    Duration maxBackoff();

    /**
     * Deadline of one attempt, covering the whole exchange: connect, request, response headers
     * and response body.
     */
    @WithDefault("5s")
    Duration requestTimeout();

    /**
     * How long a message may take from being read to being delivered, waits behind earlier
     * messages of its conversation and retries included; then it is dead-lettered. Keep
     * {@code deadline + request-timeout + 10s} below the consumer's
     * {@code throttled.unprocessed-record-max-age.ms}.
     */
    @WithDefault("60s")
    Duration deadline();

    /** Callback exchanges in flight at once, all tenants together. */
    @WithDefault("32")
    int maxConcurrency();

    /** Callback exchanges in flight at once for one tenant: a slow partner fills only this. */
    @WithDefault("8")
    int maxConcurrencyPerTenant();

    /**
     * Messages read but not yet delivered or dead-lettered; beyond this the consumer waits
     * (back-pressure). Bounds memory and the records redelivered after a restart.
     */
    @WithDefault("2000")
    int maxPending();
  }
}
