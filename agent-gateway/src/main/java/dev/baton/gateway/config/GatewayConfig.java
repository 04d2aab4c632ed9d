package dev.baton.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Every {@code gateway.*} setting, with its default; documented in the module README. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

  /** SSE keep-alive comment interval. */
  @WithDefault("15s")
  Duration heartbeat();

  /**
   * How long an agent action's request waits for the handoff service's result before it is
   * answered 202 with {@code "outcome":"PENDING"} (the action is stored and will be applied).
   */
  @WithDefault("5s")
  Duration actionResultTimeout();

  /** Requests that may wait for an action result at once; past it a request is answered as pending. */
  @WithDefault("10000")
  int actionResultMaxWaiting();

  Stream stream();

  Transcript transcript();

  Idempotency idempotency();

  Audit audit();

  /** The SSE stream of handoffs. */
  interface Stream {
    /** Handoffs sent on a fresh connect (without {@code Last-Event-ID}). */
    @WithDefault("50")
    int replay();

    /**
     * Live handoffs of the agent's tenant held for one connection that is not reading; past it
     * the stream ends with an {@code overflow} event and the client reconnects with
     * {@code Last-Event-ID}.
     */
    @WithDefault("1000")
    int buffer();

    /** Handoff ids remembered per connection to send a handoff in both replay and live once. */
    @WithDefault("2000")
    int dedupWindow();

    /** Open streams one agent may have at once; the next gets 429. */
    @WithDefault("5")
    int maxConnectionsPerAgent();
  }

  /** Conversation transcripts kept from {@code conversation-turns}. */
  interface Transcript {
    /** How long a conversation's turns are kept after its last turn. */
    @WithDefault("30d")
    Duration ttl();

    @WithDefault("100")
    int defaultLimit();

    @WithDefault("500")
    int maxLimit();
  }

  /** {@code Idempotency-Key} of agent actions. */
  interface Idempotency {
    /** How long a key is remembered with the action it was first used for. */
    @WithDefault("24h")
    Duration ttl();
  }

  /** The per-tenant audit log of agent actions and transcript reads. */
  interface Audit {
    /** Entries kept per tenant (approximate: Redis trims whole nodes). */
    @WithDefault("100000")
    long maxEntries();

    @WithDefault("100")
    int defaultLimit();

    @WithDefault("1000")
    int maxLimit();
  }
}
