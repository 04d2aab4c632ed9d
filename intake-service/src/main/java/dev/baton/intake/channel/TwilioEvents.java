package dev.baton.intake.channel;

import dev.baton.intake.service.TextRules;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns Twilio's inbound message webhook (SMS, MMS, WhatsApp through Twilio) into Baton's
 * conversation events, with the same rules as {@link WhatsAppEvents}: nothing the customer sent is
 * refused, text is cleaned and split, media are kept as URLs and types.
 *
 * <ul>
 *   <li>event id {@code tw:<MessageSid>}, so Twilio's retry is a duplicate;
 *   <li>conversation {@code sms:<E.164>}, or {@code wa:<E.164>} for WhatsApp, the same conversation
 *       whether the customer's WhatsApp reaches the tenant through Meta or through Twilio;
 *   <li>dated on receipt (Twilio's message webhook carries no time).
 * </ul>
 */
public final class TwilioEvents {
  private static final Pattern SID = Pattern.compile("(SM|MM|IM)[0-9A-Za-z]{32}");
  private static final int MAX_MEDIA = 10;

  private TwilioEvents() {}

  /** Whether the message came in on WhatsApp ({@code From=whatsapp:+...}). */
  public static boolean isWhatsApp(Map<String, List<String>> params) {
    String from = FormBody.first(params, "From");
    return from != null && from.startsWith("whatsapp:");
  }

  /** The customer's number in E.164, or empty. */
  public static java.util.Optional<String> customerNumber(Map<String, List<String>> params) {
    String from = FormBody.first(params, "From");
    return PhoneNumbers.e164(from == null ? null : from.replaceFirst("^whatsapp:", ""));
  }

  public static List<ConversationEvent> toEvents(String tenantId, Map<String, List<String>> params, Instant receivedAt,
      int maxTextLength) throws WhatsAppEvents.Unreadable {
    String sid = FormBody.first(params, "MessageSid");
    if (sid == null || !SID.matcher(sid).matches()) {
      throw new WhatsAppEvents.Unreadable("MessageSid is missing or not a message SID");
    }
    boolean whatsapp = isWhatsApp(params);
    String phone = customerNumber(params)
        .orElseThrow(() -> new WhatsAppEvents.Unreadable("From is not a phone number"));
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("twilio.messageSid", sid);
    int media = 0;
    try {
      media = Math.min(MAX_MEDIA, Integer.parseInt(String.valueOf(FormBody.first(params, "NumMedia"))));
    } catch (NumberFormatException e) {
      media = 0;
    }
    List<String> types = new ArrayList<>();
    for (int i = 0; i < media; i++) {
      String url = WhatsAppEvents.clean(FormBody.first(params, "MediaUrl" + i), TextRules.LINE, 256);
      String type = WhatsAppEvents.clean(FormBody.first(params, "MediaContentType" + i), TextRules.LINE, 256);
      if (url != null) {
        attributes.put("media." + i + ".url", url);
      }
      if (type != null) {
        attributes.put("media." + i + ".type", type);
        types.add(type);
      }
    }
    putClean(attributes, "choice.id", FormBody.first(params, "ButtonPayload"));
    putClean(attributes, "twilio.repliedTo", FormBody.first(params, "OriginalRepliedMessageSid"));
    putClean(attributes, "location.latitude", FormBody.first(params, "Latitude"));
    putClean(attributes, "location.longitude", FormBody.first(params, "Longitude"));
    String body = FormBody.first(params, "Body");
    if ((body == null || body.isBlank()) && FormBody.first(params, "ButtonText") != null) {
      body = FormBody.first(params, "ButtonText");
    }
    String text = WhatsAppEvents.clean(body, TextRules.TEXT, Integer.MAX_VALUE);
    if (text == null) {
      text = !types.isEmpty() ? "(" + String.join(", ", types) + ")"
          : attributes.containsKey("location.latitude") ? "(shared a location)" : null;
    }
    Customer customer = new Customer(phone,
        WhatsAppEvents.clean(FormBody.first(params, "ProfileName"), TextRules.LINE, 256), phone, null);
    Channel channel = whatsapp ? Channel.WHATSAPP : Channel.SMS;
    String conversationId = (whatsapp ? "wa:" : "sms:") + phone;
    List<String> parts = WhatsAppEvents.split(text, maxTextLength);
    return WhatsAppEvents.customerMessages("tw:" + sid, tenantId, conversationId, channel, receivedAt, customer, parts,
        attributes);
  }

  private static void putClean(Map<String, String> attributes, String key, String value) {
    String v = WhatsAppEvents.clean(value, TextRules.LINE, 256);
    if (v != null) {
      attributes.put(key, v);
    }
  }
}
