package dev.baton.intake.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the channel-neutral JSON of {@code POST /v1/events} into a {@link ConversationEvent}, or
 * into the list of every problem found, each naming its field.
 */
@ApplicationScoped
public class EventValidator {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+\\-]{1,128}");
  private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z0-9._:@+\\-]{1,64}");
  /** Longest field name echoed back in an error (unknown fields are named by the sender). */
  private static final int MAX_ECHOED_NAME = 64;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Set<String> FIELDS =
      Set.of("schemaVersion", "eventId", "type", "tenantId", "conversationId", "channel",
          "occurredAt", "customer", "text", "agentId", "attributes");
  private static final Set<String> CUSTOMER_FIELDS = Set.of("id", "name", "phone", "email");
  private static final int MAX_ATTRIBUTES = 20;
  private static final int MAX_SHORT = 256;

  private final int maxTextLength;
  private final Duration occurredAtWindow;
  private final int maxErrors;
  private final Clock clock;

  @Inject
  public EventValidator(IntakeConfig config) {
    this(config.maxTextLength(), config.occurredAtWindow(), config.maxErrors(), Clock.systemUTC());
  }

  EventValidator(int maxTextLength, Duration occurredAtWindow, int maxErrors, Clock clock) {
    this.maxTextLength = maxTextLength;
    this.occurredAtWindow = occurredAtWindow;
    this.maxErrors = Math.max(1, maxErrors);
    this.clock = clock;
  }

  /** The outcome: exactly one of {@code event} and a non-empty {@code errors}. */
  public record Result(ConversationEvent event, List<FieldError> errors) {
    public boolean valid() {
      return errors.isEmpty();
    }
  }

  public Result validate(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    if (body == null || !body.isObject()) {
      return new Result(null, List.of(new FieldError("(body)", "must be a JSON object")));
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        errors.add(new FieldError(echo(f), "unknown field"));
      }
    }
    JsonNode version = body.get("schemaVersion");
    // An integer, not 1.0, 1.5 or "1".
    if (version != null
        && (!version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() != SchemaVersions.CURRENT)) {
      errors.add(new FieldError("schemaVersion", "must be the integer " + SchemaVersions.CURRENT));
    }
    String eventId = id(body, "eventId", errors);
    String tenantId = id(body, "tenantId", errors);
    String conversationId = id(body, "conversationId", errors);
    EventType type = enumValue(body, "type", EventType.class, errors);
    Channel channel = enumValue(body, "channel", Channel.class, errors);
    Instant occurredAt = instant(body, errors);
    Customer customer = customer(body.get("customer"), errors);
    String text = optionalString(body, "text", "text", maxTextLength, TextRules.TEXT, errors);
    String agentId = optionalId(body, "agentId", errors);
    Map<String, String> attributes = attributes(body.get("attributes"), errors);

    if (type != null) {
      boolean needsText = type.carriesCustomerText() || type == EventType.AGENT_MESSAGE;
      if (needsText && (text == null || text.isBlank()) && !errors.stream().anyMatch(e -> e.field().equals("text"))) {
        errors.add(new FieldError("text", "is required for " + type));
      }
      if (type == EventType.AGENT_MESSAGE && agentId == null) {
        errors.add(new FieldError("agentId", "is required for AGENT_MESSAGE"));
      }
      boolean voiceOnly = type.name().startsWith("CALL_") || type == EventType.SPEECH_SEGMENT || type == EventType.CALLER_SILENT;
      if (voiceOnly && channel != null && channel != Channel.VOICE) {
        errors.add(new FieldError("channel", "must be VOICE for " + type));
      }
    }
    if (!errors.isEmpty()) {
      return new Result(null, capped(errors));
    }
    return new Result(
        new ConversationEvent(SchemaVersions.CURRENT, eventId, type, tenantId, conversationId,
            channel, occurredAt, customer, text, agentId, attributes),
        List.of());
  }

  /** At most {@code maxErrors} errors; a last entry says how many more there were. */
  private List<FieldError> capped(List<FieldError> errors) {
    if (errors.size() <= maxErrors) {
      return List.copyOf(errors);
    }
    List<FieldError> out = new ArrayList<>(errors.subList(0, maxErrors));
    out.add(new FieldError("(body)", (errors.size() - maxErrors) + " more problem(s) omitted"));
    return List.copyOf(out);
  }

  /** A sender-chosen field name as it may appear in an answer: bounded. */
  private static String echo(String name) {
    return name.length() <= MAX_ECHOED_NAME ? name : name.substring(0, MAX_ECHOED_NAME) + "...";
  }

  private static String optionalId(JsonNode body, String field, List<FieldError> errors) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : id(body, field, errors);
  }

  private static String id(JsonNode body, String field, List<FieldError> errors) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    if (!v.isTextual() || !ID.matcher(v.textValue()).matches()) {
      errors.add(new FieldError(field, "must be 1-128 characters of letters, digits and . _ : @ + -"));
      return null;
    }
    return v.asText();
  }

  private static <E extends Enum<E>> E enumValue(
      JsonNode body, String field, Class<E> type, List<FieldError> errors) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    try {
      if (!v.isTextual()) {
        throw new IllegalArgumentException("not a string");
      }
      return Enum.valueOf(type, v.textValue());
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError(field, "must be one of " + Arrays.toString(type.getEnumConstants())));
      return null;
    }
  }

  private Instant instant(JsonNode body, List<FieldError> errors) {
    JsonNode v = body.get("occurredAt");
    if (v == null || v.isNull()) {
      return clock.instant();
    }
    Instant at;
    try {
      if (!v.isTextual()) {
        throw new DateTimeParseException("not a string", v.toString(), 0);
      }
      at = Instant.parse(v.textValue());
    } catch (DateTimeParseException e) {
      errors.add(new FieldError("occurredAt", "must be an ISO-8601 instant like 2026-11-23T09:15:00Z"));
      return null;
    }
    // Compared, not subtracted: Instant spans +-1e9 years and Duration arithmetic could overflow.
    Instant now = clock.instant();
    if (at.isBefore(now.minus(occurredAtWindow)) || at.isAfter(now.plus(occurredAtWindow))) {
      errors.add(new FieldError("occurredAt",
          "must be within " + occurredAtWindow.toHours() + "h of the time of receipt, either way"));
      return null;
    }
    return at;
  }

  private static String optionalString(
      JsonNode body, String name, String field, int max, TextRules rules, List<FieldError> errors) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    String s = v.textValue();
    if (s.length() > max) {
      errors.add(new FieldError(field, "must be at most " + max + " characters"));
      return null;
    }
    int refused = rules.firstRefused(s);
    if (refused >= 0) {
      errors.add(new FieldError(field, rules.describe(refused)));
      return null;
    }
    return s;
  }

  private static Customer customer(JsonNode v, List<FieldError> errors) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      errors.add(new FieldError("customer", "must be an object with id, name, phone, email"));
      return null;
    }
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!CUSTOMER_FIELDS.contains(f)) {
        errors.add(new FieldError("customer." + echo(f), "unknown field"));
      }
    }
    String id = optionalString(v, "id", "customer.id", MAX_SHORT, TextRules.LINE, errors);
    String name = optionalString(v, "name", "customer.name", MAX_SHORT, TextRules.LINE, errors);
    String phone = optionalString(v, "phone", "customer.phone", 32, TextRules.LINE, errors);
    String email = optionalString(v, "email", "customer.email", MAX_SHORT, TextRules.LINE, errors);
    if (email != null && !EMAIL.matcher(email).matches()) {
      errors.add(new FieldError("customer.email", "must be an email address"));
    }
    if (phone != null && !phone.matches("\\+?[0-9 ()\\-]{3,32}")) {
      errors.add(new FieldError("customer.phone", "must be a phone number"));
    }
    return new Customer(id, name, phone, email);
  }

  private static Map<String, String> attributes(JsonNode v, List<FieldError> errors) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isObject() || v.size() > MAX_ATTRIBUTES) {
      errors.add(new FieldError("attributes", "must be an object of at most " + MAX_ATTRIBUTES + " string values"));
      return out;
    }
    v.fields().forEachRemaining(e -> {
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (!ATTRIBUTE_KEY.matcher(key).matches()) {
        errors.add(new FieldError("attributes",
            "keys must be 1-64 characters of letters, digits and . _ : @ + - (found '" + echo(key) + "')"));
        return;
      }
      String field = "attributes." + key;
      if (!value.isTextual() || value.textValue().length() > MAX_SHORT) {
        // Numbers and booleans are refused, not coerced: the sender's types are not guessed at.
        errors.add(new FieldError(field, "must be a string of at most " + MAX_SHORT + " characters"));
        return;
      }
      int refused = TextRules.LINE.firstRefused(value.textValue());
      if (refused >= 0) {
        errors.add(new FieldError(field, TextRules.LINE.describe(refused)));
        return;
      }
      out.put(key, value.textValue());
    });
    return out;
  }
}
