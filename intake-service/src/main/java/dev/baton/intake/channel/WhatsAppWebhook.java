package dev.baton.intake.channel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.serde.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a WhatsApp Cloud API webhook POST (already signature-checked): every {@code entry}, every
 * {@code change}, every message and every status in it — Meta batches them. Each message keeps its
 * {@code wamid} (the idempotency key) and what the customer sent: text, a button or list reply, a
 * template quick-reply, media (id, mime type, caption), a location, contacts; a type Baton does
 * not know is kept as {@link Kind#UNSUPPORTED} with its type name, never dropped.
 */
public final class WhatsAppWebhook {
  /** What a customer's message carries. */
  public enum Kind { TEXT, BUTTON_REPLY, LIST_REPLY, TEMPLATE_BUTTON, MEDIA, LOCATION, CONTACTS, UNSUPPORTED }

  static final Set<String> MEDIA = Set.of("image", "audio", "video", "document", "sticker");

  /**
   * One customer message.
   *
   * @param phoneNumberId the business number it was sent to (routes to the tenant)
   * @param text what to read as the customer's words: the text, the tapped title, the caption
   * @param choiceId the id or payload of a tapped button or list row
   * @param mediaType image, audio, video, document or sticker; or the unknown type's name
   * @param replyTo the wamid of the business message it answers ({@code context.id})
   */
  public record Message(String phoneNumberId, String wamid, String from, String profileName, Instant sentAt,
      Kind kind, String text, String choiceId, String mediaType, String mediaId, String mimeType,
      Double latitude, Double longitude, String replyTo) {}

  /**
   * A delivery status of a message Baton sent.
   *
   * @param errors each error as its code and title, {@code 131026 Message undeliverable} (the
   *     code alone when Meta gave no title); the error's message and details are not kept (they
   *     may quote the message)
   */
  public record Status(String phoneNumberId, String wamid, String status, Instant at, String recipient,
      List<Integer> errorCodes, List<String> errors) {}

  /** Everything in one POST. */
  public record Batch(List<Message> messages, List<Status> statuses) {}

  private WhatsAppWebhook() {}

  /** The POST's messages and statuses; empty when the JSON is not a WhatsApp business-account webhook. */
  public static Optional<Batch> parse(byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (root == null || !"whatsapp_business_account".equals(root.path("object").asText())) {
      return Optional.empty();
    }
    List<Message> messages = new ArrayList<>();
    List<Status> statuses = new ArrayList<>();
    for (JsonNode entry : root.path("entry")) {
      for (JsonNode change : entry.path("changes")) {
        JsonNode value = change.path("value");
        String phoneNumberId = value.path("metadata").path("phone_number_id").asText(null);
        for (JsonNode m : value.path("messages")) {
          messages.add(message(phoneNumberId, m, profileName(value, m.path("from").asText(null))));
        }
        for (JsonNode s : value.path("statuses")) {
          List<Integer> codes = new ArrayList<>();
          List<String> errors = new ArrayList<>();
          for (JsonNode e : s.path("errors")) {
            int code = e.path("code").asInt();
            String title = e.path("title").asText("").strip();
            codes.add(code);
            errors.add(title.isEmpty() ? Integer.toString(code) : code + " " + shortened(title));
          }
          statuses.add(new Status(phoneNumberId, s.path("id").asText(null), s.path("status").asText(null),
              seconds(s.path("timestamp")), s.path("recipient_id").asText(null), List.copyOf(codes),
              List.copyOf(errors)));
        }
      }
    }
    return Optional.of(new Batch(List.copyOf(messages), List.copyOf(statuses)));
  }

  private static String profileName(JsonNode value, String from) {
    for (JsonNode c : value.path("contacts")) {
      if (from == null || from.equals(c.path("wa_id").asText())) {
        return c.path("profile").path("name").asText(null);
      }
    }
    return null;
  }

  private static Message message(String phoneNumberId, JsonNode m, String profileName) {
    String type = m.path("type").asText("");
    String wamid = m.path("id").asText(null);
    String from = m.path("from").asText(null);
    Instant at = seconds(m.path("timestamp"));
    String replyTo = m.path("context").path("id").asText(null);
    Kind kind = Kind.UNSUPPORTED;
    String text = null;
    String choice = null;
    String mediaType = null;
    String mediaId = null;
    String mime = null;
    Double lat = null;
    Double lon = null;
    switch (type) {
      case "text" -> {
        kind = Kind.TEXT;
        text = m.path("text").path("body").asText(null);
      }
      case "interactive" -> {
        JsonNode i = m.path("interactive");
        JsonNode reply = i.path("button_reply").isMissingNode() ? i.path("list_reply") : i.path("button_reply");
        kind = i.path("type").asText().equals("list_reply") ? Kind.LIST_REPLY : Kind.BUTTON_REPLY;
        text = reply.path("title").asText(null);
        choice = reply.path("id").asText(null);
      }
      case "button" -> {
        kind = Kind.TEMPLATE_BUTTON;
        text = m.path("button").path("text").asText(null);
        choice = m.path("button").path("payload").asText(null);
      }
      case "location" -> {
        kind = Kind.LOCATION;
        JsonNode l = m.path("location");
        lat = l.path("latitude").isNumber() ? l.path("latitude").asDouble() : null;
        lon = l.path("longitude").isNumber() ? l.path("longitude").asDouble() : null;
        text = joined(l.path("name").asText(null), l.path("address").asText(null));
      }
      case "contacts" -> {
        kind = Kind.CONTACTS;
        List<String> names = new ArrayList<>();
        m.path("contacts").forEach(c -> names.add(c.path("name").path("formatted_name").asText("")));
        text = String.join(", ", names);
      }
      default -> {
        if (MEDIA.contains(type)) {
          kind = Kind.MEDIA;
          JsonNode media = m.path(type);
          mediaType = type;
          mediaId = media.path("id").asText(null);
          mime = media.path("mime_type").asText(null);
          text = media.path("caption").asText(null);
        } else {
          mediaType = type.isEmpty() ? "unknown" : type; // kept, typed: the agent sees something arrived
        }
      }
    }
    return new Message(phoneNumberId, wamid, from, profileName, at, kind, text, choice, mediaType, mediaId, mime,
        lat, lon, replyTo);
  }

  /** A title as agents may see it: one line, at most 120 characters. */
  private static String shortened(String title) {
    String line = title.replaceAll("\\p{Cntrl}", " ");
    return line.length() > 120 ? line.substring(0, 120) + "..." : line;
  }

  private static String joined(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a + ", " + b;
  }

  /** Meta's timestamps are strings of Unix seconds; null when absent or not a number. */
  private static Instant seconds(JsonNode n) {
    try {
      return n.isMissingNode() || n.isNull() ? null : Instant.ofEpochSecond(Long.parseLong(n.asText().trim()));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return null;
    }
  }
}
