package dev.baton.gateway.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import dev.baton.schemas.serde.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a record written by the handoff service so that a newer producer cannot make a handoff or
 * a turn disappear: an enum value this gateway does not know yet (a new {@code reason},
 * {@code channel} or {@code speaker}) is accepted and the record is relayed to agents as it was
 * written, with the new value verbatim. Everything else is checked as strictly as the schema's
 * own serde (required fields, types), and a record that fails is {@link Unreadable}.
 *
 * <p>The typed value is for the gateway's routing only (tenant, ids, seq): an unknown enum value
 * reads there as the enum's first constant, so never act on the enums of {@link Read#value()};
 * what agents get is {@link Read#json()}.
 */
public final class ForwardCompatibleReader {
  private static final String UNKNOWN = "baton.unknown-enums";

  private static final ObjectMapper LENIENT = Json.MAPPER.copy().addHandler(new DeserializationProblemHandler() {
    @Override
    @SuppressWarnings("unchecked")
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg)
        throws IOException {
      Object[] constants = targetType.getEnumConstants();
      if (constants == null || constants.length == 0) {
        return NOT_HANDLED;
      }
      ((List<String>) ctxt.getAttribute(UNKNOWN)).add(ctxt.getParser().currentName());
      return constants[0];
    }
  });

  /**
   * @param json the record as written (compact JSON, unknown fields and enum values kept)
   * @param unknownEnums the fields whose enum value this gateway does not know
   */
  public record Read<T>(T value, String json, List<String> unknownEnums) {}

  /** A record that is not a readable value of its topic's type, with the reason. */
  public static final class Unreadable extends Exception {
    public Unreadable(String reason) {
      super(reason);
    }
  }

  private ForwardCompatibleReader() {}

  public static <T> Read<T> read(byte[] bytes, Class<T> type) throws Unreadable {
    if (bytes == null || bytes.length == 0) {
      throw new Unreadable("empty record");
    }
    try {
      JsonNode tree = Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(bytes);
      if (tree == null || !tree.isObject()) {
        throw new Unreadable("not a valid " + type.getSimpleName() + ": not a JSON object");
      }
      List<String> unknown = new ArrayList<>();
      T value = LENIENT.readerFor(type).withAttribute(UNKNOWN, unknown).readValue(tree);
      if (value == null) {
        throw new Unreadable("empty record");
      }
      return new Read<>(value, Json.MAPPER.writeValueAsString(tree), List.copyOf(unknown));
    } catch (IOException | RuntimeException e) {
      throw new Unreadable("not a valid " + type.getSimpleName() + ": " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
