package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.channel.WhatsAppWebhook.Batch;
import dev.baton.intake.channel.WhatsAppWebhook.Kind;
import dev.baton.intake.channel.WhatsAppWebhook.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire samples and the shapes they do not show (several entries, changes, messages and
 * statuses in one POST; location, contacts and unknown types; escaped unicode), read as Meta's
 * reference documents them.
 */
class WhatsAppWebhookTest {

  @Test
  void aTextMessageKeepsItsWamidSenderNameAndTime() {
    Message m = only(sample("inbound_text"));
    assertEquals(Kind.TEXT, m.kind());
    assertEquals("106540352242922", m.phoneNumberId());
    assertTrue(m.wamid().startsWith("wamid."), m.wamid());
    assertEquals("16505551234", m.from());
    assertEquals("Sheena Nelson", m.profileName());
    assertTrue(m.text() != null && !m.text().isBlank());
    assertTrue(m.sentAt().isAfter(Instant.parse("2020-01-01T00:00:00Z")));
  }

  @Test
  void mediaKeepsItsIdMimeTypeAndCaption() {
    Message m = only(sample("inbound_image"));
    assertEquals(Kind.MEDIA, m.kind());
    assertEquals("image", m.mediaType());
    assertEquals("1003383421387256", m.mediaId());
    assertEquals("image/jpeg", m.mimeType());
    assertEquals("Photo of the damaged box", m.text());
  }

  @Test
  void tappedButtonsGiveTheirTitleAndId() {
    Message reply = only(sample("inbound_interactive_button_reply"));
    assertEquals(Kind.BUTTON_REPLY, reply.kind());
    assertEquals("Cancel", reply.text());
    assertEquals("cancel-button", reply.choiceId());
    assertTrue(reply.replyTo().startsWith("wamid."), "answers a business message");
    Message template = only(sample("inbound_template_quick_reply_button"));
    assertEquals(Kind.TEMPLATE_BUTTON, template.kind());
    assertEquals("Confirm", template.text());
    assertEquals("CONFIRM_APPOINTMENT", template.choiceId());
  }

  @Test
  void statusesKeepTheirWamidStateErrorCodesAndTitles() {
    Batch failed = WhatsAppWebhook.parse(bytes("status_failed")).orElseThrow();
    assertEquals(0, failed.messages().size());
    assertEquals(1, failed.statuses().size());
    assertEquals("failed", failed.statuses().get(0).status());
    assertEquals(List.of(131047), failed.statuses().get(0).errorCodes());
    assertEquals(List.of("131047 Re-engagement message"), failed.statuses().get(0).errors(),
        "code and title; the message and details are not kept");
    for (String s : List.of("sent", "delivered", "read")) {
      assertEquals(s, WhatsAppWebhook.parse(bytes("status_" + s)).orElseThrow().statuses().get(0).status());
    }
  }

  @Test
  void everyEntryChangeMessageAndStatusOfABatchIsRead() {
    String body = """
        {"object":"whatsapp_business_account","entry":[
          {"id":"1","changes":[
            {"field":"messages","value":{"metadata":{"phone_number_id":"111"},
              "contacts":[{"profile":{"name":"Ana"},"wa_id":"447700900001"},{"profile":{"name":"Ben"},"wa_id":"447700900002"}],
              "messages":[
                {"from":"447700900001","id":"wamid.A1","timestamp":"1739321200","type":"text","text":{"body":"Gr\\u00fc\\u00dfe, ich brauche Hilfe"}},
                {"from":"447700900002","id":"wamid.B1","timestamp":"1739321201","type":"location","location":{"latitude":51.5,"longitude":-0.12,"name":"Depot","address":"1 High St"}}],
              "statuses":[{"id":"wamid.OUT1","status":"delivered","timestamp":"1739321202","recipient_id":"447700900001"}]}},
            {"field":"messages","value":{"metadata":{"phone_number_id":"111"},
              "messages":[{"from":"447700900003","id":"wamid.C1","timestamp":"1739321203","type":"contacts",
                "contacts":[{"name":{"formatted_name":"Dr Jones"}}]}]}}]},
          {"id":"2","changes":[
            {"field":"messages","value":{"metadata":{"phone_number_id":"222"},
              "messages":[{"from":"33600000000","id":"wamid.D1","timestamp":"1739321204","type":"reaction","reaction":{"emoji":"x"}},
                          {"from":"33600000000","id":"wamid.D2","timestamp":"1739321205","type":"sticker","sticker":{"id":"77","mime_type":"image/webp"}}]}}]}]}
        """;
    Batch b = WhatsAppWebhook.parse(body.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    assertEquals(List.of("wamid.A1", "wamid.B1", "wamid.C1", "wamid.D1", "wamid.D2"),
        b.messages().stream().map(Message::wamid).toList());
    assertEquals("Grüße, ich brauche Hilfe", b.messages().get(0).text(), "escaped unicode read as the letters");
    assertEquals("Ana", b.messages().get(0).profileName());
    Message location = b.messages().get(1);
    assertEquals(Kind.LOCATION, location.kind());
    assertEquals("Ben", location.profileName(), "each sender's own name");
    assertEquals(51.5, location.latitude());
    assertEquals("Depot, 1 High St", location.text());
    assertEquals(Kind.CONTACTS, b.messages().get(2).kind());
    assertEquals("Dr Jones", b.messages().get(2).text());
    Message unknown = b.messages().get(3);
    assertEquals(Kind.UNSUPPORTED, unknown.kind(), "kept, not dropped");
    assertEquals("reaction", unknown.mediaType());
    assertEquals("222", unknown.phoneNumberId());
    assertEquals(Kind.MEDIA, b.messages().get(4).kind());
    assertEquals("sticker", b.messages().get(4).mediaType());
    assertNull(b.messages().get(4).text());
    assertEquals(1, b.statuses().size());
    assertEquals("wamid.OUT1", b.statuses().get(0).wamid());
  }

  @Test
  void somethingElseIsNotAWhatsAppWebhook() {
    assertTrue(WhatsAppWebhook.parse("{\"object\":\"page\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8)).isEmpty());
    assertTrue(WhatsAppWebhook.parse("not json".getBytes(StandardCharsets.UTF_8)).isEmpty());
    assertTrue(WhatsAppWebhook.parse(new byte[0]).isEmpty());
  }

  private static Message only(Batch b) {
    assertEquals(1, b.messages().size());
    return b.messages().get(0);
  }

  private static Batch sample(String name) {
    return WhatsAppWebhook.parse(bytes(name)).orElseThrow();
  }

  private static byte[] bytes(String name) {
    try (InputStream in = WhatsAppWebhookTest.class.getResourceAsStream("/channels/whatsapp/" + name + ".json")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
