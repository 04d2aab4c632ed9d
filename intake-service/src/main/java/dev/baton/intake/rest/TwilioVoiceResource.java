package dev.baton.intake.rest;

import dev.baton.intake.channel.ChannelIntake;
import dev.baton.intake.channel.PhoneNumbers;
import dev.baton.intake.channel.TwilioSignature;
import dev.baton.intake.channel.Twiml;
import dev.baton.intake.channel.VoiceCalls;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.support.metrics.BatonMetrics;
import dev.baton.tenant.Channels;
import dev.baton.tenant.TenantConfig;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A tenant's calls on Twilio, end to end ({@code /v1/channels/twilio/<tenant>/voice}, the number's
 * "A call comes in" URL; {@code .../voice/status} its status callback):
 *
 * <ol>
 *   <li>An incoming call is answered with the assistant's greeting (the tenant's {@code
 *       assistantIntro}, which discloses that it is a virtual assistant) inside a speech {@code
 *       <Gather>}, and {@code CALL_STARTED} is published. Outside the tenant's opening hours the
 *       caller hears the after-hours notice, the call ends and counts as missed.
 *   <li>Each {@code SpeechResult} (with its {@code Confidence}) becomes a {@code SPEECH_SEGMENT};
 *       a gather that heard nothing becomes {@code CALLER_SILENT}. Twilio starts the gather's
 *       timeout when the bot's speech has ended, so silence is counted from there.
 *   <li>The request then waits, holding no thread, for Baton's answer ({@link VoiceCalls}): the
 *       bot's reply is spoken in a new gather; a handoff notice is spoken and the call is
 *       transferred ({@code <Enqueue>} to the tenant's queue or {@code <Dial>}), at the moment the
 *       handoff record reaches the agents. No answer within {@code WAIT}: a one-second pause and a
 *       redirect to {@code .../voice/wait}, which waits again (Twilio allows 15 s per request).
 *   <li>Call status {@code no-answer}, {@code busy}, {@code failed} or {@code canceled} makes the
 *       call {@code CALL_MISSED}, once per CallSid; {@code completed} ends it ({@code CALL_ENDED}).
 * </ol>
 */
@Tag(name = "Twilio voice", description = "Twilio's voice webhooks: the call flow that turns a call into a conversation")
@APIResponse(responseCode = "400", description = "Not a call to one of the tenant's numbers, or a missing CallSid")
@APIResponse(responseCode = "401", description = "Unknown tenant, no voice channel, or a wrong signature (one answer for all)")
@Path("/v1/channels/twilio/{tenantId}/voice")
public class TwilioVoiceResource {
  private static final Logger LOG = Logger.getLogger(TwilioVoiceResource.class);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Set<String> MISSED = Set.of("no-answer", "busy", "failed", "canceled");

  private final TwilioAuth auth;
  private final ChannelIntake intake;
  private final VoiceCalls calls;
  private final RedisClient redis;

  public TwilioVoiceResource(TwilioAuth auth, ChannelIntake intake, VoiceCalls calls, RedisClient redis) {
    this.auth = auth;
    this.intake = intake;
    this.calls = calls;
    this.redis = redis;
  }

  @Operation(summary = "A call comes in: answered with TwiML")
  @APIResponse(responseCode = "200", description = "What Twilio does next, as TwiML", content = @Content(mediaType = MediaType.TEXT_XML))
  @POST
  @Blocking
  @Produces({MediaType.TEXT_XML, Problem.MEDIA_TYPE})
  public Response incoming(@Context RoutingContext request, @PathParam("tenantId") String tenantId,
      @HeaderParam(TwilioSignature.HEADER) String signature) {
    Optional<TwilioAuth.Authenticated> caller = auth.authenticate(request, tenantId, signature);
    if (caller.isEmpty()) {
      return TwilioAuth.unauthorized();
    }
    TwilioAuth.Authenticated call = caller.get();
    TenantConfig tenant = call.tenant();
    Channels.Voice voice = tenant.channels().twilio().voice();
    String sid = call.param("CallSid");
    if (!validSid(sid) || !tenant.channels().twilio().numbers().contains(call.param("To"))) {
      return problem(400, "the call must have a CallSid and be to one of the tenant's numbers");
    }
    Instant now = Instant.now();
    String language = voice.language().substring(0, 2);
    String intro = tenant.templatesIn(language).assistantIntro().replace("{name}", tenant.name());
    try {
      if (!tenant.businessHours().isOpen(now, tenant.timezone())) {
        Map<String, String> a = attributes(sid);
        a.put("missed.reason", "closed-hours");
        intake.accept(List.of(event(tenant, call, sid + ":missed", EventType.CALL_MISSED, now, null, a)));
        calls.mark(tenant.id(), sid, VoiceCalls.State.ENDED);
        String notice = tenant.templatesIn(language).afterHoursNotice()
            .replace("{opening}", tenant.businessHours().describeNextOpening(now, tenant.timezone())).replace("{name}", tenant.name());
        return twiml(Twiml.goodbye(List.of(notice), voice));
      }
      Map<String, String> a = attributes(sid);
      a.put("voice.silenceReportedBy", "twilio");
      // What the caller hears first, so that the transcript shows it and the bot does not repeat it.
      a.put("voice.greeting", intro);
      intake.accept(List.of(event(tenant, call, sid + ":started", EventType.CALL_STARTED, now, null, a)));
    } catch (ChannelIntake.InFlight | PublishException | JedisException e) {
      BatonMetrics.countRedisFailure(e, "twilio-voice");
      return unavailable(tenant, e);
    }
    return twiml(Twiml.listen(List.of(intro), voice, url(tenant, "gather"), silenceSeconds(tenant)));
  }

  /** What the caller said, or that they said nothing; then the bot's answer. */
  @Operation(summary = "What the caller said (speech gathered by Twilio)")
  @APIResponse(responseCode = "200", description = "What Twilio does next, as TwiML", content = @Content(mediaType = MediaType.TEXT_XML))
  @POST
  @Path("/gather")
  @Blocking
  @Produces({MediaType.TEXT_XML, Problem.MEDIA_TYPE})
  public CompletionStage<Response> gathered(@Context RoutingContext request, @PathParam("tenantId") String tenantId,
      @HeaderParam(TwilioSignature.HEADER) String signature,
      @HeaderParam("I-Twilio-Idempotency-Token") String idempotencyToken) {
    Optional<TwilioAuth.Authenticated> caller = auth.authenticate(request, tenantId, signature);
    if (caller.isEmpty()) {
      return CompletableFuture.completedFuture(TwilioAuth.unauthorized());
    }
    TwilioAuth.Authenticated call = caller.get();
    TenantConfig tenant = call.tenant();
    String sid = call.param("CallSid");
    if (!validSid(sid)) {
      return CompletableFuture.completedFuture(problem(400, "CallSid is missing or not a call SID"));
    }
    String speech = call.param("SpeechResult");
    Instant now = Instant.now();
    try {
      String turn = turnId(tenant, sid, idempotencyToken);
      Map<String, String> a = attributes(sid);
      ConversationEvent event;
      if (speech == null || speech.isBlank()) {
        a.put("silence.ms", Long.toString(silenceSeconds(tenant) * 1000L));
        event = event(tenant, call, sid + ":silent:" + turn, EventType.CALLER_SILENT, now, null, a);
      } else {
        String confidence = call.param("Confidence");
        if (confidence != null && confidence.matches("[0-9.]{1,12}")) {
          a.put("speech.confidence", confidence);
        }
        String text = dev.baton.intake.channel.WhatsAppEvents.clean(speech, dev.baton.intake.service.TextRules.TEXT, 4000);
        event = event(tenant, call, sid + ":speech:" + turn, EventType.SPEECH_SEGMENT, now, text, a);
      }
      intake.accept(List.of(event));
    } catch (ChannelIntake.InFlight | PublishException | JedisException e) {
      BatonMetrics.countRedisFailure(e, "twilio-voice");
      return CompletableFuture.completedFuture(unavailable(tenant, e));
    }
    return answer(tenant, sid);
  }

  /** The decision was not there yet: wait for it again. */
  @Operation(summary = "The caller waits on: the next TwiML")
  @APIResponse(responseCode = "200", description = "What Twilio does next, as TwiML", content = @Content(mediaType = MediaType.TEXT_XML))
  @POST
  @Path("/wait")
  @Blocking
  @Produces({MediaType.TEXT_XML, Problem.MEDIA_TYPE})
  public CompletionStage<Response> waitAgain(@Context RoutingContext request, @PathParam("tenantId") String tenantId,
      @HeaderParam(TwilioSignature.HEADER) String signature) {
    Optional<TwilioAuth.Authenticated> caller = auth.authenticate(request, tenantId, signature);
    if (caller.isEmpty()) {
      return CompletableFuture.completedFuture(TwilioAuth.unauthorized());
    }
    String sid = caller.get().param("CallSid");
    if (!validSid(sid)) {
      return CompletableFuture.completedFuture(problem(400, "CallSid is missing or not a call SID"));
    }
    return answer(caller.get().tenant(), sid);
  }

  /** The call's status callback: ended, or missed. */
  @Operation(summary = "The call's status callback")
  @APIResponse(responseCode = "200", description = "What Twilio does next, as TwiML", content = @Content(mediaType = MediaType.TEXT_XML))
  @POST
  @Path("/status")
  @Blocking
  @Produces({MediaType.TEXT_XML, Problem.MEDIA_TYPE})
  public Response status(@Context RoutingContext request, @PathParam("tenantId") String tenantId,
      @HeaderParam(TwilioSignature.HEADER) String signature) {
    Optional<TwilioAuth.Authenticated> caller = auth.authenticate(request, tenantId, signature);
    if (caller.isEmpty()) {
      return TwilioAuth.unauthorized();
    }
    TwilioAuth.Authenticated call = caller.get();
    TenantConfig tenant = call.tenant();
    String sid = call.param("CallSid");
    String status = call.param("CallStatus");
    if (!validSid(sid) || status == null) {
      return problem(400, "CallSid and CallStatus are required");
    }
    Instant now = Instant.now();
    try {
      if (MISSED.contains(status)) {
        Map<String, String> a = attributes(sid);
        a.put("missed.reason", status);
        // One id per call: a second callback, or a closed-hours call also reported missed, is a duplicate.
        intake.accept(List.of(event(tenant, call, sid + ":missed", EventType.CALL_MISSED, now, null, a)));
        calls.mark(tenant.id(), sid, VoiceCalls.State.ENDED);
      } else if (status.equals("completed")) {
        intake.accept(List.of(event(tenant, call, sid + ":ended", EventType.CALL_ENDED, now, null, attributes(sid))));
        calls.mark(tenant.id(), sid, VoiceCalls.State.ENDED);
      }
    } catch (ChannelIntake.InFlight | PublishException | JedisException e) {
      BatonMetrics.countRedisFailure(e, "twilio-voice");
      return unavailable(tenant, e);
    }
    return twiml(Twiml.empty());
  }

  private CompletionStage<Response> answer(TenantConfig tenant, String sid) {
    Channels.Voice voice = tenant.channels().twilio().voice();
    return calls.next(tenant.id(), sid, WAIT).thenApplyAsync(replies -> {
      if (replies.isEmpty()) {
        return twiml(Twiml.hold(url(tenant, "wait"), 1));
      }
      List<String> words = replies.stream().map(VoiceCalls.Reply::text).toList();
      if (replies.stream().anyMatch(VoiceCalls.Reply::transfer)) {
        calls.mark(tenant.id(), sid, VoiceCalls.State.TRANSFERRED);
        return twiml(Twiml.transfer(words, voice));
      }
      return twiml(Twiml.listen(words, voice, url(tenant, "gather"), silenceSeconds(tenant)));
    }, io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
  }

  private static ConversationEvent event(TenantConfig tenant, TwilioAuth.Authenticated call, String id, EventType type,
      Instant at, String text, Map<String, String> attributes) {
    String phone = PhoneNumbers.e164(call.param("From")).orElse(null);
    Customer customer = phone == null ? Customer.anonymous("caller:" + call.param("CallSid"))
        : new Customer(phone, null, phone, null);
    return new ConversationEvent(SchemaVersions.CURRENT, "tw:" + id, type, tenant.id(), "call:" + call.param("CallSid"),
        Channel.VOICE, at, customer, text, null, attributes);
  }

  private static Map<String, String> attributes(String sid) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("twilio.callSid", sid);
    return a;
  }

  /**
   * One id per gather: Twilio's idempotency token when it sent one (a retried request keeps it),
   * else the call's next turn number.
   */
  private String turnId(TenantConfig tenant, String sid, String idempotencyToken) {
    if (idempotencyToken != null && !idempotencyToken.isBlank() && idempotencyToken.length() <= 256) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(idempotencyToken.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, 8);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    String key = "baton:" + tenant.id() + ":voice:" + sid + ":turns";
    long n = redis.incr(key);
    redis.expire(key, 86_400);
    return "n" + n;
  }

  private static int silenceSeconds(TenantConfig tenant) {
    return (int) Math.max(1, Math.ceil(tenant.escalation().silenceTimeout().toMillis() / 1000.0));
  }

  private static String url(TenantConfig tenant, String step) {
    return "/v1/channels/twilio/" + tenant.id() + "/voice/" + step;
  }

  private static boolean validSid(String sid) {
    return sid != null && sid.matches("CA[0-9A-Za-z]{32}");
  }

  private static Response twiml(String xml) {
    return Response.ok(xml, MediaType.TEXT_XML).build();
  }

  private static Response problem(int status, String detail) {
    return Problem.response(status, "Invalid call", detail);
  }

  private static Response unavailable(TenantConfig tenant, Exception e) {
    LOG.errorf("tenant %s: call event not stored: %s", tenant.id(), e.toString());
    return TwilioResource.unavailable("the call could not be recorded; Twilio will use the fallback URL");
  }
}
