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

  Presence presence();

  Workspace workspace();

  Auth auth();

  /** The agents' SSE stream and the tenant event log it serves. */
  interface Stream {
    /**
     * Events kept in each tenant's log (approximate: Redis trims whole nodes). A client that
     * reconnects with a position older than what is kept gets a {@code reset} and a snapshot.
     */
    @WithDefault("100000")
    long logMaxEntries();

    /** The newest events per tenant held in memory, from which caught-up streams are served. */
    @WithDefault("2000")
    int recent();

    /** Open streams one agent may have at once; the next gets 429. */
    @WithDefault("5")
    int maxConnectionsPerAgent();
  }

  /** Agents' presence. */
  interface Presence {
    /** An agent not heard from (no open stream, no presence call) for this long is offline. */
    @WithDefault("45s")
    Duration ttl();
  }

  /** The sweeper that offers, reassigns and tells waiting customers their place. */
  interface Workspace {
    /** How often each tenant is swept (by one instance at a time). */
    @WithDefault("2s")
    Duration sweepInterval();

    /** How long a conversation may wait in the queue before its queue status is sent again at most. */
    @WithDefault("30s")
    Duration queueStatusInterval();
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

  /** How agents sign in (README "Sign-in"). */
  interface Auth {
    /**
     * Accept the static tokens of the tenants file ({@code agents[].tokenEnv}, kept as SHA-256).
     * Turn off where every agent signs in with an identity provider's JWT.
     */
    @WithDefault("true")
    boolean staticTokens();

    /**
     * Take the client address that failed sign-ins are counted by from the first
     * {@code X-Forwarded-For} hop instead of the connection. Only behind a proxy that sets the
     * header itself: otherwise a client could name any address and escape the limit.
     */
    @WithDefault("false")
    boolean trustForwardedFor();

    RateLimit rateLimit();

    Oidc oidc();

    /** Failed sign-ins per client address. */
    interface RateLimit {
      /**
       * Failed sign-ins (a 401 to a request that sent {@code Authorization}) an address may have in
       * one window; past it every request from it gets 429 with {@code Retry-After}, even one with
       * a right token, until the window ends.
       */
      @WithDefault("10")
      int maxFailures();

      /** The window, from an address's first failure. */
      @WithDefault("1m")
      Duration window();

      /** Addresses remembered at once (the least used are forgotten first): bounds the memory. */
      @WithDefault("100000")
      long maxAddresses();
    }

    /** Bearer JWTs of an identity provider, verified by Quarkus OIDC ({@code quarkus.oidc.*}). */
    interface Oidc {
      /** Accept them; also switches {@code quarkus.oidc.tenant-enabled}. */
      @WithDefault("false")
      boolean enabled();

      /** The claim naming the agent's tenant (a tenant id of the tenants file). */
      @WithDefault("baton_tenant")
      String tenantClaim();

      /** The claim naming the agent (an agent id of that tenant), e.g. {@code preferred_username}. */
      @WithDefault("sub")
      String agentClaim();

      /**
       * Make the agent a supervisor when the token's roles (Quarkus OIDC reads them from
       * {@code groups} unless {@code quarkus.oidc.roles.role-claim-path} says otherwise) include
       * {@link #supervisorGroup()}; a supervisor of the tenants file is one either way.
       */
      @WithDefault("true")
      boolean supervisorFromGroups();

      @WithDefault("baton-supervisor")
      String supervisorGroup();
    }
  }
}
