package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The providers' inbound-email webhooks read into an email: Mailgun's sample, and SendGrid's multipart. */
class EmailReaderTest {
  static final String BOUNDARY = EmailSamples.BOUNDARY;

  @Test
  void theMailgunSampleIsReadWithItsAddressesLowerCasedAndItsStrippedText() throws Exception {
    InboundEmail e = EmailReader.mailgun(FormBody.parse(ChannelSamples.bytes("email/mailgun_inbound_route.txt")));
    assertEquals("CAF1234@mail.example.com", e.messageId());
    assertEquals("alice@example.com", e.fromAddress());
    assertEquals("Alice", e.fromName());
    assertEquals(List.of("support@mg.example.com"), e.recipients());
    assertEquals("Order #A12345 missing", e.subject());
    assertEquals("Hi, my order never arrived.\r\n", e.text());
    assertEquals("Hi, my order never arrived.", e.providerStripped());
    assertNull(e.inReplyTo());
    assertEquals(List.of(), e.references());
  }

  @Test
  void mailgunsThreadingHeadersComeFromTheirFieldsOrFromMessageHeaders() throws Exception {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("from", List.of("\"Müller, Jürgen\" <Juergen.Mueller@Example.DE>"));
    form.put("recipient", List.of("Support@MG.example.com"));
    form.put("message-headers", List.of("[[\"Message-Id\", \"<reply-2@mail.example.de>\"],"
        + " [\"In-Reply-To\", \"<baton.abc@mg.example.com>\"],"
        + " [\"References\", \"<root@mail.example.de>\\r\\n <baton.abc@mg.example.com>\"]]"));
    InboundEmail e = EmailReader.mailgun(form);
    assertEquals("reply-2@mail.example.de", e.messageId());
    assertEquals("baton.abc@mg.example.com", e.inReplyTo());
    assertEquals(List.of("root@mail.example.de", "baton.abc@mg.example.com"), e.references());
    assertEquals("juergen.mueller@example.de", e.fromAddress(), "case-normalised");
    assertEquals("Müller, Jürgen", e.fromName());
    assertEquals(List.of("support@mg.example.com"), e.recipients());
  }

  @Test
  void badMailgunFieldsAreNamed() {
    Map<String, List<String>> noFrom = Map.of("recipient", List.of("support@mg.example.com"));
    assertEquals("from", assertThrows(InboundEmail.Invalid.class, () -> EmailReader.mailgun(noFrom)).field());
    Map<String, List<String>> badFrom = Map.of("from", List.of("not an address"), "recipient", List.of("a@b.example"));
    assertEquals("from", assertThrows(InboundEmail.Invalid.class, () -> EmailReader.mailgun(badFrom)).field());
    Map<String, List<String>> noTo = Map.of("from", List.of("a@b.example"));
    assertEquals("recipient", assertThrows(InboundEmail.Invalid.class, () -> EmailReader.mailgun(noTo)).field());
    Map<String, List<String>> badHeaders = Map.of("from", List.of("a@b.example"), "recipient", List.of("c@d.example"),
        "message-headers", List.of("{not json"));
    assertEquals("message-headers",
        assertThrows(InboundEmail.Invalid.class, () -> EmailReader.mailgun(badHeaders)).field());
  }

  @Test
  void sendGridsMultipartIsReadInEachFieldsCharsetWithTheHeadersBlock() throws Exception {
    String headers = "Received: by mx.sendgrid.net with SMTP id abc\r\n"
        + "Message-ID: <CAB+reply-3@mail.gmail.com>\r\n"
        + "In-Reply-To: <baton.0123@help.example.com>\r\n"
        + "References: <CAB+root-1@mail.gmail.com>\r\n <baton.0123@help.example.com>\r\n"
        + "Subject: =?UTF-8?B?UmU6IFLDvGNrZXJzdGF0dHVuZw==?=\r\n"
        + "From: =?UTF-8?Q?Fran=C3=A7oise_Dupont?= <Francoise@Example.FR>\r\n";
    byte[] body = multipart(Map.of(
        "headers", headers,
        "from", "=?UTF-8?Q?Fran=C3=A7oise_Dupont?= <Francoise@Example.FR>",
        "to", "help@parse.example.com",
        "subject", "Re: Rückerstattung",
        "text", "Voilà, merci.\r\n\r\nLe mar. 3 mars 2026 à 10:01, Help <help@example.com> a écrit :\r\n> Bonjour\r\n",
        "envelope", "{\"to\":[\"HELP@parse.example.com\"],\"from\":\"francoise@example.fr\"}",
        "charsets", "{\"to\":\"UTF-8\",\"subject\":\"UTF-8\",\"from\":\"UTF-8\",\"text\":\"iso-8859-1\"}",
        "attachments", "0"), Map.of("text", StandardCharsets.ISO_8859_1));
    InboundEmail e = EmailReader.sendGrid(EmailReader.multipart(body, "multipart/form-data; boundary=" + BOUNDARY));
    assertEquals("CAB+reply-3@mail.gmail.com", e.messageId());
    assertEquals("baton.0123@help.example.com", e.inReplyTo());
    assertEquals(List.of("CAB+root-1@mail.gmail.com", "baton.0123@help.example.com"), e.references(), "unfolded");
    assertEquals("francoise@example.fr", e.fromAddress());
    assertEquals("Françoise Dupont", e.fromName(), "encoded words decoded");
    assertEquals(List.of("help@parse.example.com"), e.recipients(), "the envelope's, lower-cased");
    assertEquals("Re: Rückerstattung", e.subject());
    assertEquals("Voilà, merci.", ReplyStripper.strip(e.text()), "ISO-8859-1 text decoded as its charset says");
    assertNull(e.providerStripped());
  }

  @Test
  void sendGridWithoutAnEnvelopeUsesToAndRefusesRawPosts() throws Exception {
    byte[] body = multipart(Map.of("from", "bob@example.com", "to", "Help <help@parse.example.com>, other@example.com",
        "text", "hi"), Map.of());
    InboundEmail e = EmailReader.sendGrid(EmailReader.multipart(body, "multipart/form-data; boundary=" + BOUNDARY));
    assertEquals(List.of("help@parse.example.com", "other@example.com"), e.recipients());
    assertNull(e.messageId(), "no headers field");

    byte[] raw = multipart(Map.of("email", "From: a@b.example\r\n\r\nhi", "to", "help@parse.example.com"), Map.of());
    assertEquals("email", assertThrows(InboundEmail.Invalid.class,
        () -> EmailReader.sendGrid(EmailReader.multipart(raw, "multipart/form-data; boundary=" + BOUNDARY))).field());
    byte[] badEnvelope = multipart(Map.of("from", "bob@example.com", "envelope", "[1]"), Map.of());
    assertEquals("envelope", assertThrows(InboundEmail.Invalid.class,
        () -> EmailReader.sendGrid(EmailReader.multipart(badEnvelope, "multipart/form-data; boundary=" + BOUNDARY)))
        .field());
    assertEquals("body", assertThrows(InboundEmail.Invalid.class,
        () -> EmailReader.multipart("no parts here".getBytes(StandardCharsets.US_ASCII),
            "multipart/form-data; boundary=" + BOUNDARY)).field());
    assertEquals("Content-Type", assertThrows(InboundEmail.Invalid.class,
        () -> EmailReader.multipart(body, "multipart/form-data")).field());
  }

  @Test
  void aSenderThatWouldBecomeSeveralRecipientsIsRefusedNamingFrom() {
    for (String from : List.of("\"a@evil.example,b\"@x.example", "<\"a b\"@x.example>", "\"a;b\"@x.example",
        "\"a@b\"@x.example", "\"<a>\"@x.example")) {
      Map<String, List<String>> form = Map.of("from", List.of(from), "recipient", List.of("support@mg.example.com"));
      assertEquals("from", assertThrows(InboundEmail.Invalid.class, () -> EmailReader.mailgun(form)).field(), from);
    }
    assertEquals(true, EmailReader.safeAddress("o'brien+tag@x.example"));
    assertEquals(false, EmailReader.safeAddress("a@evil.example,b@x.example"));
    assertEquals(false, EmailReader.safeAddress("a\u00A0b@x.example"));
  }

  @Test
  void attachmentsAreCountedNotRead() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    part(out, "from", "bob@example.com", StandardCharsets.UTF_8);
    part(out, "to", "help@parse.example.com", StandardCharsets.UTF_8);
    part(out, "attachments", "1", StandardCharsets.UTF_8);
    out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"attachment1\"; filename=\"x.pdf\"\r\n"
        + "Content-Type: application/pdf\r\n\r\n%PDF-1.4 binary\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    Map<String, EmailReader.Part> parts =
        EmailReader.multipart(out.toByteArray(), "multipart/form-data; boundary=" + BOUNDARY);
    assertEquals("x.pdf", parts.get("attachment1").filename());
    assertEquals(0, parts.get("attachment1").bytes().length, "the file is read past, not kept");
    assertEquals(1, EmailReader.sendGrid(parts).attachments());
  }

  @Test
  void idsAreReadFromAngleBracketsNewestKept() {
    assertEquals("a@b", EmailReader.firstId("  <a@b> (comment)"));
    assertEquals("bare@id", EmailReader.firstId("bare@id"));
    assertNull(EmailReader.firstId("two words"));
    assertEquals(List.of("1@x", "2@x", "3@x"), EmailReader.ids("<1@x>\r\n\t<2@x> <3@x>"));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      many.append('<').append(i).append("@x> ");
    }
    List<String> ids = EmailReader.ids(many.toString());
    assertEquals(50, ids.size());
    assertEquals("59@x", ids.get(49), "the newest kept");
  }

  static byte[] multipart(Map<String, String> fields, Map<String, Charset> charsets) {
    return EmailSamples.multipart(fields, charsets);
  }

  private static void part(ByteArrayOutputStream out, String name, String value, Charset charset) {
    EmailSamples.part(out, name, value, charset);
  }
}
