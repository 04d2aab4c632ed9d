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
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Set<String> FIELDS =
      Set.of("schemaVersion", "eventId", "type", "tenantId", "conversationId", "channel",
          "occurredAt", "customer", "text", "agentId", "attributes");
  private static final Set<String> CUSTOMER_FIELDS = Set.of("id", "name", "phone", "email");
  private static final int MAX_ATTRIBUTES = 20;
  private static final int MAX_SHORT = 256;

  private final int maxTextLength;
  private final Clock clock;

  @Inject
  public EventValidator(IntakeConfig config) {
    this(config.maxTextLength(), Clock.systemUTC());
  }

  EventValidator(int maxTextLength, Clock clock) {
    this.maxTextLength = maxTextLength;
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
        errors.add(new FieldError(f, "unknown field"));
      }
    }
    if (body.has("schemaVersion")
        && (!body.get("schemaVersion").canConvertToInt()
            || body.get("schemaVersion").asInt() != SchemaVersions.CURRENT)) {
      errors.add(new FieldError("schemaVersion", "must be " + SchemaVersions.CURRENT));
    }
    String eventId = id(body, "eventId", errors);
    String tenantId = id(body, "tenantId", errors);
    String conversationId = id(body, "conversationId", errors);
    EventType type = enumValue(body, "type", EventType.class, errors);
    Channel channel = enumValue(body, "channel", Channel.class, errors);
    Instant occurredAt = instant(body, errors);
    Customer customer = customer(body.get("customer"), errors);
    String text = optionalString(body, "text", maxTextLength, errors);
    String agentId = optionalString(body, "agentId", 128, errors);
    Map<String, String> attributes = attributes(body.get("attributes"), errors);

    if (type != null) {
      boolean needsText = type.carriesCustomerText() || type == EventType.AGENT_MESSAGE;
      if (needsText && (text == null || text.isBlank()) && !errors.stream().anyMatch(e -> e.field().equals("text"))) {
        errors.add(new FieldError("text", "is required for " + type));
      }
      if (type == EventType.AGENT_MESSAGE && agentId == null) {
        errors.add(new FieldError("agentId", "is required for AGENT_MESSAGE"));
      }
      boolean voiceOnly = type.name().startsWith("CALL_") || type == EventType.SPEECH_SEGMENT;
      if (voiceOnly && channel != null && channel != Channel.VOICE) {
        errors.add(new FieldError("channel", "must be VOICE for " + type));
      }
    }
    if (!errors.isEmpty()) {
      return new Result(null, List.copyOf(errors));
    }
    return new Result(
        new ConversationEvent(SchemaVersions.CURRENT, eventId, type, tenantId, conversationId,
            channel, occurredAt, customer, text, agentId, attributes),
        List.of());
  }

  private static String id(JsonNode body, String field, List<FieldError> errors) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    if (!v.isTextual() || !ID.matcher(v.asText()).matches()) {
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
      return Enum.valueOf(type, v.asText());
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
    try {
      return Instant.parse(v.asText());
    } catch (DateTimeParseException e) {
      errors.add(new FieldError("occurredAt", "must be an ISO-8601 instant like 2026-11-23T09:15:00Z"));
      return null;
    }
  }

  private static String optionalString(JsonNode body, String field, int max, List<FieldError> errors) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    if (v.asText().length() > max) {
      errors.add(new FieldError(field, "must be at most " + max + " characters"));
      return null;
    }
    return v.asText();
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
        errors.add(new FieldError("customer." + f, "unknown field"));
      }
    }
    String id = optionalString(v, "id", MAX_SHORT, errors);
    String name = optionalString(v, "name", MAX_SHORT, errors);
    String phone = optionalString(v, "phone", 32, errors);
    String email = optionalString(v, "email", MAX_SHORT, errors);
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
      if (!e.getValue().isValueNode() || e.getValue().asText().length() > MAX_SHORT) {
        errors.add(new FieldError("attributes." + e.getKey(), "must be a string of at most " + MAX_SHORT + " characters"));
      } else {
        out.put(e.getKey(), e.getValue().asText());
      }
    });
    return out;
  }
}
