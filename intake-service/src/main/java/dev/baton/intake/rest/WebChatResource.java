package dev.baton.intake.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.intake.channel.WebChatFeed;
import dev.baton.intake.channel.WebChatTokens;
import dev.baton.intake.channel.WebChatTokens.Session;
import dev.baton.intake.channel.WhatsAppEvents;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.service.EventDeduplicator.Claim;
import dev.baton.intake.service.EventRedactor;
import dev.baton.intake.service.FieldError;
import dev.baton.intake.service.IntakeService;
import dev.baton.intake.service.TextRules;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.serde.Json;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.support.metrics.BatonMetrics;
import dev.baton.support.webchat.WebChatStream;
import dev.baton.support.webchat.WebChatStream.Entry;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import dev.baton.tenant.WebChat;
import io.smallrye.mutiny.Multi;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The web chat widget's side of Baton, served by the intake (the customer-facing edge):
 *
 * <ul>
 *   <li>{@code GET /v1/webchat/widget.js}: the widget, one plain script, cached by its version;
 *   <li>{@code POST /v1/webchat/<tenant>/sessions}: from an allowed origin only; a new visitor's
 *       session token, or the same one again for a returning visitor whose token (kept by the
 *       widget) is still valid, with the tenant's title, greeting and AI disclosure;
 *   <li>{@code POST /v1/webchat/<tenant>/messages} with {@code Authorization: Bearer <token>} and
 *       {@code {"id", "text", "personRequested", "choiceId"}}: a customer message of the token's conversation,
 *       published once per client id ({@code <conversation>:<id>}), so a retried POST is one event;
 *   <li>{@code GET /v1/webchat/<tenant>/stream?token=...}: Server-Sent Events ({@code message},
 *       {@code joined}, {@code typing}) of the conversation's {@link WebChatStream}, from {@code
 *       Last-Event-ID} on, or its whole history (without typing notices) for a page just loaded.
 * </ul>
 *
 * The tenant is in every path so that {@link WebChatCors} can check the page's origin against that
 * tenant's list before the body is read; the token must then be that tenant's.
 */
@Tag(name = "Web chat", description = "The widget's API: a session, the visitor's messages and the stream of answers")
@Path("/v1/webchat")
public class WebChatResource {
  private static final Logger LOG = Logger.getLogger(WebChatResource.class);
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
  /**
   * A stream entry id as Baton writes them. 18 digits each side: every such number fits a long
   * (what {@link StreamEntryID} parses), so a larger, made-up one is unknown rather than a 500.
   */
  private static final Pattern POSITION = Pattern.compile("\\d{1,18}-\\d{1,18}");
  private static final Set<String> MESSAGE_FIELDS = Set.of("id", "text", "personRequested", "choiceId");
  private static final Pattern CHOICE_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");
  /** Attribute of a customer message that is a tapped choice (as WhatsApp's and Twilio's buttons). */
  static final String CHOICE_ATTRIBUTE = "choice.id";
  /** Under the HTTP idle timeout (30 s), so a quiet stream stays open through proxies too. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  private static final int BATCH = 100;
  /**
   * Messages one conversation may post per minute: far above anyone typing, low enough that a
   * script holding a token cannot flood the tenant's agents and models.
   */
  static final int MAX_MESSAGES_PER_MINUTE = 30;
  /**
   * KEYS: counter. ARGV: window, s. Counts one in the window and gives it its expiry in the same
   * step: an INCR then an EXPIRE that never ran (a lost connection between) would leave a counter
   * that never resets. A counter found without one (left so before) gets it here too.
   */
  private static final String COUNT_IN_WINDOW = """
      local n = redis.call('INCR', KEYS[1])
      if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
      return n
      """;
  /** Attribute of a web chat customer message: the widget's own id of it. */
  public static final String CLIENT_ID_ATTRIBUTE = "webchat.clientId";

  private static final byte[] WIDGET = widget();
  private static final String WIDGET_VERSION = version(WIDGET);

  private final TenantDirectory tenants;
  private final IntakeService intake;
  private final EventRedactor redactor;
  private final RedisClient redis;
  private final WebChatFeed feed;
  private final IntakeConfig config;
  private final WebChatConnections connections;

  public WebChatResource(TenantDirectory tenants, IntakeService intake, EventRedactor redactor, RedisClient redis,
      WebChatFeed feed, IntakeConfig config, WebChatConnections connections) {
    this.connections = connections;
    this.tenants = tenants;
    this.intake = intake;
    this.redactor = redactor;
    this.redis = redis;
    this.feed = feed;
    this.config = config;
  }

  // ---------------------------------------------------------------- the widget

  @Operation(summary = "The widget script")
  @GET
  @Path("widget.js")
  @Produces("text/javascript")
  public Response widget(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
    EntityTag tag = new EntityTag(WIDGET_VERSION);
    // An hour in caches, then revalidated by version: a new Baton release reaches every site
    // within the hour, with no build step and no change to the tenant's tag.
    String cache = "public, max-age=3600";
    if (ifNoneMatch != null && ifNoneMatch.contains(WIDGET_VERSION)) {
      return Response.notModified(tag).header("Cache-Control", cache).build();
    }
    return Response.ok(WIDGET, "text/javascript; charset=utf-8").tag(tag).header("Cache-Control", cache)
        .header("X-Content-Type-Options", "nosniff").build();
  }

  // ---------------------------------------------------------------- sessions

  @Operation(summary = "Open a visitor session (an allowed Origin only)")
  @APIResponse(responseCode = "201", description = "A new session and its token (200: the visitor's session resumed)", content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @APIResponse(responseCode = "403", description = "The page's Origin is not one of the tenant's")
  @APIResponse(responseCode = "404", description = "The tenant has no web chat")
  @APIResponse(responseCode = "429", description = "Too many sessions from this address")
  @APIResponse(responseCode = "503", description = "The session could not be opened; try again")
  @POST
  @Path("{tenantId}/sessions")
  @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
  public Response session(@Context RoutingContext request, @PathParam("tenantId") String tenantId,
      @HeaderParam("Origin") String origin) {
    Optional<TenantConfig> tenant = withWebChat(tenantId);
    if (tenant.isEmpty()) {
      return Problem.response(404, "No web chat", "this tenant has no web chat");
    }
    WebChat wc = tenant.get().channels().webchat();
    if (!wc.allows(origin)) {
      return Problem.response(403, "Origin not allowed",
          "a session is opened only by a page of one of the tenant's web chat allowedOrigins");
    }
    JsonNode body = readObject(RequestLimits.body(request));
    if (body == null) {
      return badRequest(List.of(new FieldError("body", "must be a JSON object, e.g. {} or {\"token\": \"...\"}")));
    }
    Instant now = Instant.now();
    JsonNode previous = body.get("token");
    Optional<Session> resumed = previous != null && previous.isTextual()
        ? WebChatTokens.verify(wc.sessionSecret(), tenantId, previous.asText(), now)
        : Optional.empty();
    if (resumed.isEmpty()) {
      int limit = config.webchat().sessionsPerMinute();
      try {
        if (count(rateKey(tenantId, "webchat-sessions", clientAddress(request))) > limit) {
          return Response.fromResponse(Problem.response(429, "Too many sessions",
              "at most " + limit + " new web chat sessions a minute from one address")).header("Retry-After", "60").build();
        }
      } catch (JedisException e) {
        BatonMetrics.countRedisFailure(e, "webchat");
        LOG.errorf("tenant %s: web chat session not opened, Redis failed: %s", tenantId, e.toString());
        return Response.fromResponse(Problem.response(503, "Unavailable", "the session could not be opened; try again"))
            .header("Retry-After", "2").build();
      }
    }
    Session session = resumed.orElseGet(() -> WebChatTokens.newSession(tenantId, now.plus(wc.sessionTtl())));
    String token = resumed.isPresent() ? previous.asText() : WebChatTokens.issue(wc.sessionSecret(), session, now);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("token", token);
    out.put("conversationId", session.conversationId());
    out.put("expiresAt", session.expiresAt().toString());
    out.put("resumed", resumed.isPresent());
    out.put("title", wc.title() != null ? wc.title() : tenant.get().name());
    out.put("greeting", wc.greeting());
    out.put("disclosure", wc.disclosure());
    out.put("maxTextLength", config.maxTextLength());
    return Response.status(resumed.isPresent() ? 200 : 201).type(MediaType.APPLICATION_JSON).entity(out.toString())
        .header("Cache-Control", "no-store").build();
  }

  // ---------------------------------------------------------------- messages in

  @Operation(summary = "Send the visitor's message (the session token as bearer)")
  @APIResponse(responseCode = "202", description = "Accepted, or already accepted (duplicate: true)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
  @APIResponse(responseCode = "400", description = "Invalid fields")
  @APIResponse(responseCode = "401", description = "No or a wrong session token")
  @APIResponse(responseCode = "429", description = "Too many messages")
  @APIResponse(responseCode = "503", description = "The message could not be stored; send it again")
  @POST
  @Path("{tenantId}/messages")
  @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
  public Response message(@Context RoutingContext request, @PathParam("tenantId") String tenantId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    Optional<Session> session = authenticate(tenantId, bearer(authorization));
    if (session.isEmpty()) {
      return unauthorized();
    }
    JsonNode body = readObject(RequestLimits.body(request));
    if (body == null) {
      return badRequest(List.of(new FieldError("body", "must be a JSON object {\"id\", \"text\"}")));
    }
    List<FieldError> errors = new ArrayList<>();
    body.fieldNames().forEachRemaining(f -> {
      if (!MESSAGE_FIELDS.contains(f)) {
        errors.add(new FieldError(LogSafe.bounded(f), "unknown field (known: choiceId, id, personRequested, text)"));
      }
    });
    JsonNode idNode = body.get("id");
    String clientId = idNode != null && idNode.isTextual() ? idNode.asText() : null;
    if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
      errors.add(new FieldError("id", "is required: the widget's id of the message, 1-64 of A-Z a-z 0-9 . _ -"));
    }
    JsonNode textNode = body.get("text");
    String text = null;
    if (textNode == null || !textNode.isTextual()) {
      errors.add(new FieldError("text", "is required: a string"));
    } else {
      // Cleaned as the other channels' texts are: what Baton refuses elsewhere is dropped here.
      text = WhatsAppEvents.clean(textNode.asText(), TextRules.TEXT, Integer.MAX_VALUE);
      if (text == null) {
        errors.add(new FieldError("text", "must not be empty"));
      } else if (text.codePointCount(0, text.length()) > config.maxTextLength()) {
        errors.add(new FieldError("text", "must be at most " + config.maxTextLength() + " characters"));
      }
    }
    JsonNode personNode = body.get("personRequested");
    if (personNode != null && !personNode.isBoolean()) {
      errors.add(new FieldError("personRequested", "must be true or false"));
    }
    JsonNode choiceNode = body.get("choiceId");
    if (choiceNode != null && (!choiceNode.isTextual() || !CHOICE_ID.matcher(choiceNode.asText()).matches())) {
      errors.add(new FieldError("choiceId", "must be the id of a choice the widget showed (1-64 of A-Z a-z 0-9 . _ : -)"));
    }
    if (!errors.isEmpty()) {
      return badRequest(errors);
    }
    Session s = session.get();
    try {
      if (!withinRate(tenantId, s.conversationId())) {
        return Response.fromResponse(Problem.response(429, "Too many messages",
            "at most " + MAX_MESSAGES_PER_MINUTE + " messages a minute per conversation")).header("Retry-After", "60").build();
      }
    } catch (JedisException e) {
      BatonMetrics.countRedisFailure(e, "webchat");
      LOG.errorf("tenant %s: web chat message not stored, Redis failed: %s", tenantId, e.toString());
      return unavailable();
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(CLIENT_ID_ATTRIBUTE, clientId);
    if (personNode != null && personNode.asBoolean()) {
      attributes.put(ConversationEvent.PERSON_REQUESTED, "true");
    }
    if (choiceNode != null) {
      attributes.put(CHOICE_ATTRIBUTE, choiceNode.asText());
    }
    Instant now = Instant.now();
    ConversationEvent event = new ConversationEvent(SchemaVersions.CURRENT, s.conversationId() + ":" + clientId,
        EventType.CUSTOMER_MESSAGE, tenantId, s.conversationId(), Channel.WEBCHAT, now,
        Customer.anonymous(s.customerId()), text, null, attributes);
    Claim claim;
    try {
      claim = intake.accept(event);
    } catch (PublishException e) {
      LOG.errorf("tenant %s: web chat message not stored, broker failed: %s", tenantId, e.getMessage());
      return unavailable();
    } catch (JedisException e) {
      BatonMetrics.countRedisFailure(e, "webchat");
      LOG.errorf("tenant %s: web chat message not stored, Redis failed: %s", tenantId, e.toString());
      return unavailable();
    }
    if (claim == Claim.IN_FLIGHT) {
      return unavailable();
    }
    echo(event, clientId);
    return Response.accepted(new Accepted(event.eventId(), event.conversationId(), claim == Claim.DUPLICATE))
        .type(MediaType.APPLICATION_JSON).build();
  }

  /**
   * The visitor's own message in their stream, masked as published: a reloaded page and the
   * visitor's other tabs show the whole conversation. Once per event id; the message is stored
   * already, so a failure here costs only that echo.
   */
  private void echo(ConversationEvent event, String clientId) {
    try {
      ConversationEvent masked = redactor.redact(event);
      WebChatStream.appendOnce(redis, event.tenantId(), event.conversationId(), event.eventId(), WebChatStream.MESSAGE,
          WebChatStream.messageData(event.eventId(), "customer", null, masked.text(), event.occurredAt(), clientId));
    } catch (RuntimeException e) {
      LOG.warnf("tenant %s: cannot echo a web chat message to its stream: %s", event.tenantId(), e.toString());
    }
  }

  /** Counts the message in the conversation's current minute (a window from its first message). */
  private boolean withinRate(String tenantId, String conversationId) {
    return count(rateKey(tenantId, "webchat-rate", conversationId)) <= MAX_MESSAGES_PER_MINUTE;
  }

  static String rateKey(String tenantId, String entity, String id) {
    return "baton:" + tenantId + ":" + entity + ":" + id;
  }

  /** One more in the key's minute (a window from its first count); the count so far. */
  private long count(String key) {
    return ((Number) redis.eval(COUNT_IN_WINDOW, List.of(key), List.of("60"))).longValue();
  }

  /**
   * The client's address: the connection's peer, or, with {@code quarkus.http.proxy.*} forwarding
   * enabled behind a trusted proxy, the address that proxy names (X-Forwarded-For / Forwarded).
   */
  private static String clientAddress(RoutingContext request) {
    io.vertx.core.net.SocketAddress peer = request.request().remoteAddress();
    return peer != null && peer.hostAddress() != null ? peer.hostAddress() : "unknown";
  }

  // ---------------------------------------------------------------- replies out

  @Operation(summary = "Server-sent events: the answers of agents and of Baton for this session")
  @APIResponse(responseCode = "200", description = "The stream", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS))
  @APIResponse(responseCode = "401", description = "No or a wrong session token")
  @GET
  @Path("{tenantId}/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> stream(@PathParam("tenantId") String tenantId, @QueryParam("token") String token,
      @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
    // EventSource cannot set headers: the token comes in the query (never logged).
    Session s = authenticate(tenantId, token).orElseThrow(() -> new WebApplicationException(unauthorized()));
    String key = WebChatStream.key(tenantId, s.conversationId());
    // An unknown position (none, or not one of ours) replays the whole history.
    StreamEntryID start = lastEventId != null && POSITION.matcher(lastEventId.trim()).matches()
        ? new StreamEntryID(lastEventId.trim())
        : new StreamEntryID(0, 0);
    AtomicReference<StreamEntryID> cursor = new AtomicReference<>(start);
    return Multi.createBy().repeating()
        .uni(() -> feed.after(key, cursor.get(), BATCH, HEARTBEAT))
        .until(batch -> Instant.now().isAfter(s.expiresAt()))
        .onItem().transformToIterable(batch -> {
          List<OutboundSseEvent> out = new ArrayList<>(batch.size() + 1);
          Instant now = Instant.now();
          for (Entry e : batch) {
            cursor.set(e.id());
            if (!WebChatStream.stale(e, now)) {
              out.add(sse.newEventBuilder().id(e.id().toString()).name(e.type()).data(e.data()).build());
            }
          }
          if (batch.isEmpty()) {
            out.add(sse.newEventBuilder().comment("keep-alive").build());
          }
          return out;
        })
        .onSubscription().invoke(connections::opened)
        .onTermination().invoke(connections::closed);
  }

  // ---------------------------------------------------------------- helpers

  private Optional<TenantConfig> withWebChat(String tenantId) {
    return tenants.find(tenantId).filter(t -> t.channels().webchat() != null && t.channels().webchat().sessionSecret() != null);
  }

  private Optional<Session> authenticate(String tenantId, String token) {
    return withWebChat(tenantId).flatMap(t ->
        WebChatTokens.verify(t.channels().webchat().sessionSecret(), tenantId, token, Instant.now()));
  }

  private static String bearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).strip()
        : null;
  }

  /** The body as a JSON object, or null when it is not one. */
  private static JsonNode readObject(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Response badRequest(List<FieldError> errors) {
    return Problem.response(400, "Invalid request", "the request has invalid fields", errors);
  }

  private static Response unauthorized() {
    return Problem.response(401, "Unauthorized",
        "the request must carry a valid, unexpired web chat session token of this tenant");
  }

  private static Response unavailable() {
    return Response.fromResponse(Problem.response(503, "Unavailable", "the message could not be stored; send it again"))
        .header("Retry-After", "2").build();
  }

  private static byte[] widget() {
    try (InputStream in = WebChatResource.class.getResourceAsStream("/webchat/widget.js")) {
      if (in == null) {
        throw new IllegalStateException("webchat/widget.js is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String version(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
