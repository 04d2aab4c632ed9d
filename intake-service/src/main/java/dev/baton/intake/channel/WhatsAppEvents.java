package dev.baton.intake.channel;

import dev.baton.intake.channel.WhatsAppWebhook.Kind;
import dev.baton.intake.channel.WhatsAppWebhook.Message;
import dev.baton.intake.service.TextRules;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a WhatsApp customer message into Baton's conversation events. Nothing the customer sent is
 * refused here: unlike a sender of {@code /v1/events}, Meta cannot be asked to fix a field, so
 * characters the generic intake refuses are stripped from the text, a text longer than Baton's
 * limit becomes several events in order, and a type Baton does not know becomes a turn that says
 * so.
 *
 * <ul>
 *   <li>event id {@code wa:<wamid>} (a later part {@code wa:<wamid>:p2}), so a redelivered POST is a
 *       duplicate;
 *   <li>conversation {@code wa:<E.164>}: one conversation per customer and business number;
 *   <li>customer id and phone the E.164 number, name the WhatsApp profile name;
 *   <li>{@code occurredAt} Meta's timestamp, or the time of receipt when that is outside the
 *       accepted window (Meta retries for days; the original stays in {@code whatsapp.sentAt}).
 * </ul>
 */
public final class WhatsAppEvents {
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:@+\\-]{1,120}");
  private static final int MAX_ATTRIBUTE = 256;

  private WhatsAppEvents() {}

  /** What to do with a message that cannot become an event. */
  public static final class Unreadable extends Exception {
    public Unreadable(String message) {
      super(message);
    }
  }

  public static List<ConversationEvent> toEvents(String tenantId, Message m, Instant receivedAt,
      Duration occurredAtWindow, int maxTextLength) throws Unreadable {
    if (m.wamid() == null || m.wamid().isBlank()) {
      throw new Unreadable("a message without an id");
    }
    String phone = PhoneNumbers.e164(m.from())
        .orElseThrow(() -> new Unreadable("a message from '" + bounded(m.from()) + "', not a phone number"));
    Instant at = m.sentAt();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("whatsapp.wamid", bounded(m.wamid()));
    attributes.put("whatsapp.type", m.kind().name().toLowerCase(Locale.ROOT));
    if (at != null) {
      attributes.put("whatsapp.sentAt", at.toString());
    }
    if (at == null || Duration.between(at, receivedAt).abs().compareTo(occurredAtWindow) > 0) {
      at = receivedAt;
    }
    put(attributes, "whatsapp.replyTo", m.replyTo());
    put(attributes, "choice.id", m.choiceId());
    if (m.kind() == Kind.MEDIA || m.kind() == Kind.UNSUPPORTED) {
      put(attributes, "media.type", m.mediaType());
      put(attributes, "media.id", m.mediaId());
      put(attributes, "media.mimeType", m.mimeType());
    }
    if (m.latitude() != null && m.longitude() != null) {
      attributes.put("location.latitude", m.latitude().toString());
      attributes.put("location.longitude", m.longitude().toString());
    }
    Customer customer = new Customer(phone, clean(m.profileName(), TextRules.LINE, MAX_ATTRIBUTE), phone, null);
    String conversationId = "wa:" + phone;
    String eventId = "wa:" + idOf(m.wamid());
    List<String> parts = split(clean(turnText(m), TextRules.TEXT, Integer.MAX_VALUE), maxTextLength);
    return customerMessages(eventId, tenantId, conversationId, Channel.WHATSAPP, at, customer, parts, attributes);
  }

  /**
   * One customer message as its events, one per part of its text: the first with {@code eventId},
   * later ones {@code <eventId>:p2}, ..., each with attribute {@code part} ({@code 2/3}) when there
   * are several. What every provider channel publishes.
   */
  static List<ConversationEvent> customerMessages(String eventId, String tenantId, String conversationId,
      Channel channel, Instant at, Customer customer, List<String> parts, Map<String, String> attributes) {
    List<ConversationEvent> events = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      Map<String, String> a = attributes;
      if (parts.size() > 1) {
        a = new LinkedHashMap<>(attributes);
        a.put("part", (i + 1) + "/" + parts.size());
      }
      events.add(new ConversationEvent(SchemaVersions.CURRENT, i == 0 ? eventId : eventId + ":p" + (i + 1),
          EventType.CUSTOMER_MESSAGE, tenantId, conversationId, channel, at, customer, parts.get(i), null, a));
    }
    return events;
  }

  /** What the transcript shows: the words, or what arrived when there are none. */
  static String turnText(Message m) {
    String text = m.text() == null || m.text().isBlank() ? null : m.text();
    return switch (m.kind()) {
      case TEXT, BUTTON_REPLY, LIST_REPLY, TEMPLATE_BUTTON -> text == null ? "(empty message)" : text;
      case MEDIA -> text == null ? "(" + m.mediaType() + ")" : text;
      case LOCATION -> text == null ? "(shared a location)" : "(shared a location: " + text + ")";
      case CONTACTS -> text == null ? "(shared a contact)" : "(shared a contact: " + text + ")";
      case UNSUPPORTED -> "(sent a " + (m.mediaType() == null ? "message" : m.mediaType() + " message")
          + " Baton cannot show)";
    };
  }

  /** The wamid itself when it is a plain id, else its SHA-256 (ids are keys and log fields). */
  private static String idOf(String wamid) {
    if (SAFE_ID.matcher(wamid).matches()) {
      return wamid;
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(wamid.getBytes(StandardCharsets.UTF_8));
      return "h." + HexFormat.of().formatHex(d, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Drops the characters the field's rules refuse, and cuts it to {@code max}. */
  public static String clean(String s, TextRules rules, int max) {
    if (s == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (rules.firstRefused(s.substring(i, i + n)) < 0) {
        out.appendCodePoint(cp);
      }
      i += n;
    }
    String cleaned = out.toString().strip();
    if (cleaned.isEmpty()) {
      return null;
    }
    return cleaned.length() <= max ? cleaned : cleaned.substring(0, cutAt(cleaned, max));
  }

  /** Parts of at most {@code max} characters, never splitting a surrogate pair. */
  public static List<String> split(String s, int max) {
    List<String> parts = new ArrayList<>();
    if (s == null) {
      parts.add("(empty message)");
      return parts;
    }
    int start = 0;
    while (s.length() - start > max) {
      int end = cutAt(s, start + max);
      parts.add(s.substring(start, end));
      start = end;
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static int cutAt(String s, int end) {
    return Character.isLowSurrogate(s.charAt(end)) ? end - 1 : end;
  }

  private static void put(Map<String, String> attributes, String key, String value) {
    String v = clean(value, TextRules.LINE, MAX_ATTRIBUTE);
    if (v != null) {
      attributes.put(key, v);
    }
  }

  private static String bounded(String s) {
    String v = clean(s, TextRules.LINE, MAX_ATTRIBUTE);
    return v == null ? "" : v;
  }
}
