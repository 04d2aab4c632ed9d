package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The providers' official signature vectors, and every signed wire sample: Meta's
 * X-Hub-Signature-256 over the raw bytes, Twilio's X-Twilio-Signature over URL + sorted parameters,
 * Mailgun's hex HMAC-SHA256 of timestamp + token carried in the body.
 */
class ChannelSignatureTest {
  // Meta: WhatsApp/WhatsApp-Nodejs-SDK@58ca3d5fceea604e18393734578d9a7944a37b15, src/__tests__/utils.test.ts
  private static final String META_SECRET = "TEST_APP_SECRET";
  private static final String META_EXPECTED = "sha256=0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221";

  // Twilio: twilio-python@306691e7 tests/unit/test_request_validator.py, twilio-java@030d3bb RequestValidatorTest
  private static final String TWILIO_TOKEN = "12345";
  private static final String TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
  private static final Map<String, List<String>> TWILIO_PARAMS = Map.of(
      "CallSid", List.of("CA1234567890ABCDE"), "Caller", List.of("+14158675309"), "Digits", List.of("1234"),
      "From", List.of("+14158675309"), "To", List.of("+18005551212"));

  // Mailgun: its docs' example is a placeholder, not a real HMAC; the shared reference's constructed
  // vector (shared/channels/VECTORS.md), which the email sample is signed with.
  private static final String MAILGUN_KEY = "key-test-signing-key";
  private static final String MAILGUN_TIMESTAMP = "1770920772";
  private static final String MAILGUN_TOKEN = "e0b5477167110d68991efc6b9f89f0a11066af27834600e123";
  private static final String MAILGUN_EXPECTED = "05da75aae5916ef0aa2d4f09360b089f722764250e30fa45d13f5a610525cff1";

  @Test
  void mailgunsVector() {
    assertEquals(MAILGUN_EXPECTED, MailgunSignature.sign(MAILGUN_KEY, MAILGUN_TIMESTAMP, MAILGUN_TOKEN));
    assertTrue(MailgunSignature.valid(MAILGUN_KEY, MAILGUN_TIMESTAMP, MAILGUN_TOKEN, MAILGUN_EXPECTED));
    assertTrue(MailgunSignature.valid(MAILGUN_KEY, MAILGUN_TIMESTAMP, MAILGUN_TOKEN, MAILGUN_EXPECTED.toUpperCase()), "hex case");
    assertFalse(MailgunSignature.valid("key-other", MAILGUN_TIMESTAMP, MAILGUN_TOKEN, MAILGUN_EXPECTED));
    assertFalse(MailgunSignature.valid(MAILGUN_KEY, "1770920773", MAILGUN_TOKEN, MAILGUN_EXPECTED), "another timestamp");
    assertFalse(MailgunSignature.valid(MAILGUN_KEY, MAILGUN_TIMESTAMP, MAILGUN_TOKEN + "0", MAILGUN_EXPECTED), "another token");
    assertFalse(MailgunSignature.valid(MAILGUN_KEY, MAILGUN_TIMESTAMP, MAILGUN_TOKEN, "zz"), "not hex");
    assertFalse(MailgunSignature.valid(MAILGUN_KEY, MAILGUN_TIMESTAMP, MAILGUN_TOKEN, null));
    assertFalse(MailgunSignature.valid("", MAILGUN_TIMESTAMP, MAILGUN_TOKEN, MAILGUN_EXPECTED), "no key configured");
  }

  @Test
  void theMailgunSampleIsSignedInItsBody() {
    Map<String, List<String>> form = form(new String(bytes("email/mailgun_inbound_route.txt"), StandardCharsets.US_ASCII));
    assertTrue(MailgunSignature.valid(MAILGUN_KEY, form.get("timestamp").get(0), form.get("token").get(0),
        form.get("signature").get(0)));
  }

  @Test
  void metasOfficialVector() {
    byte[] body = "test".getBytes(StandardCharsets.UTF_8);
    assertEquals(META_EXPECTED, MetaSignature.sign(META_SECRET, body));
    assertTrue(MetaSignature.valid(META_SECRET, body, META_EXPECTED));
    assertTrue(MetaSignature.valid(META_SECRET, body, META_EXPECTED.toUpperCase().replace("SHA256=", "sha256=")), "hex case");
    assertFalse(MetaSignature.valid("another secret", body, META_EXPECTED));
    assertFalse(MetaSignature.valid(META_SECRET, "test ".getBytes(StandardCharsets.UTF_8), META_EXPECTED), "one byte more");
    assertFalse(MetaSignature.valid(META_SECRET, body, META_EXPECTED.substring("sha256=".length())), "no prefix");
    assertFalse(MetaSignature.valid(META_SECRET, body, "sha256=zz"), "not hex");
    assertFalse(MetaSignature.valid(META_SECRET, body, null));
    assertFalse(MetaSignature.valid("", body, META_EXPECTED), "no secret configured");
  }

  @Test
  void metaSignsTheRawBytesNotTheParsedJson() {
    // Meta escapes non-ASCII as lower-case \\uXXXX: the same JSON written back with the letter does not match.
    byte[] asSent = "{\"text\":{\"body\":\"Gr\\u00fc\\u00dfe\"}}".getBytes(StandardCharsets.UTF_8);
    byte[] reserialised = "{\"text\":{\"body\":\"Grüße\"}}".getBytes(StandardCharsets.UTF_8);
    String header = MetaSignature.sign(META_SECRET, asSent);
    assertTrue(MetaSignature.valid(META_SECRET, asSent, header));
    assertFalse(MetaSignature.valid(META_SECRET, reserialised, header));
  }

  @Test
  void everySignedWhatsAppSampleVerifies() {
    for (String name : List.of("inbound_text", "inbound_image", "inbound_interactive_button_reply",
        "inbound_template_quick_reply_button", "status_sent", "status_delivered", "status_read", "status_failed")) {
      byte[] body = bytes("whatsapp/" + name + ".json");
      String header = headers("whatsapp/" + name + ".headers").get(MetaSignature.HEADER);
      assertTrue(MetaSignature.valid(META_SECRET, body, header), name);
    }
  }

  @Test
  void twiliosOfficialVectors() {
    assertEquals("RSOYDt4T1cUTdK1PDd93/VVr8B8=", TwilioSignature.sign(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS));
    assertEquals("kvajT1Ptam85bY51eRf/AJRuM3w=",
        TwilioSignature.sign(TWILIO_TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", TWILIO_PARAMS));
    assertEquals("0ZXoZLH/DfblKGATFgpif+LLRf4=",
        TwilioSignature.sign(TWILIO_TOKEN, "http://mycompany.com:80/myapp.php?foo=1&bar=2", TWILIO_PARAMS));
    assertEquals("Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
        TwilioSignature.sign(TWILIO_TOKEN, "http://mycompany.com:1234/myapp.php?foo=1&bar=2", TWILIO_PARAMS));
    // TwilioDevEd/api-snippets@415f6ce2 security/signature_validation/signature_validation.3.x.js
    Map<String, List<String>> docs = new LinkedHashMap<>(TWILIO_PARAMS);
    docs.put("Caller", List.of("+14158675310"));
    docs.put("From", List.of("+14158675310"));
    assertEquals("GvWf1cFY/Q7PnoempGyD5oXAezc=", TwilioSignature.sign(TWILIO_TOKEN, TWILIO_URL, docs));
  }

  @Test
  void twilioAcceptsTheUrlWithOrWithoutItsDefaultPort() {
    assertTrue(TwilioSignature.valid(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    // Signed without the port, received with it (and the other way round).
    assertTrue(TwilioSignature.valid(TWILIO_TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", TWILIO_PARAMS,
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    assertTrue(TwilioSignature.valid(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS, "kvajT1Ptam85bY51eRf/AJRuM3w="));
    // A non-default port is part of what was signed.
    assertTrue(TwilioSignature.valid(TWILIO_TOKEN, "http://mycompany.com:1234/myapp.php?foo=1&bar=2", TWILIO_PARAMS,
        "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
    assertFalse(TwilioSignature.valid(TWILIO_TOKEN, "http://mycompany.com/myapp.php?foo=1&bar=2", TWILIO_PARAMS,
        "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
    assertFalse(TwilioSignature.valid("54321", TWILIO_URL, TWILIO_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    Map<String, List<String>> changed = new LinkedHashMap<>(TWILIO_PARAMS);
    changed.put("Digits", List.of("9999"));
    assertFalse(TwilioSignature.valid(TWILIO_TOKEN, TWILIO_URL, changed, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  }

  @Test
  void twilioSortsDuplicateKeysAndDropsRepeatedValues() {
    Map<String, List<String>> dup = new LinkedHashMap<>();
    dup.put("Sid", List.of("CA123"));
    dup.put("SidAccount", List.of("AC123"));
    dup.put("Digits", List.of("5678", "1234"));
    assertEquals("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignature.sign(TWILIO_TOKEN, TWILIO_URL, dup));
    dup.put("Digits", List.of("5678", "1234", "1234"));
    assertEquals("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignature.sign(TWILIO_TOKEN, TWILIO_URL, dup));
  }

  @Test
  void twilioJsonBodiesAreSignedByTheirHashInTheUrl() {
    byte[] body = "{\"property\": \"value\", \"boolean\": true}".getBytes(StandardCharsets.UTF_8);
    String hash = TwilioSignature.bodyHash(body);
    assertEquals("0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", hash);
    assertEquals("a9nBmqA0ju/hNViExpshrM61xv4=", TwilioSignature.sign(TWILIO_TOKEN, TWILIO_URL + "&bodySHA256=" + hash, Map.of()));
    assertEquals("y77kIzt2vzLz71DgmJGsen2scGs=",
        TwilioSignature.sign(TWILIO_TOKEN, "https://mycompany.com/myapp.php?bodySHA256=" + hash, Map.of()));
    assertTrue(TwilioSignature.validJson(TWILIO_TOKEN, TWILIO_URL + "&bodySHA256=" + hash, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
    assertFalse(TwilioSignature.validJson(TWILIO_TOKEN, TWILIO_URL + "&bodySHA256=" + hash,
        "{\"property\": \"other\"}".getBytes(StandardCharsets.UTF_8), "a9nBmqA0ju/hNViExpshrM61xv4="), "body changed");
  }

  @Test
  void everySignedTwilioSampleVerifies() {
    for (String name : List.of("sms_inbound", "whatsapp_inbound", "whatsapp_button_reply", "message_status_sent",
        "message_status_delivered", "message_status_failed", "message_status_undelivered", "voice_inbound_ringing",
        "voice_gather_speech", "voice_status_completed", "voice_status_failed", "voice_status_no-answer")) {
      Map<String, String> h = headers("twilio/" + name + ".headers");
      String url = "https://" + h.get("Host") + h.get(":path");
      Map<String, List<String>> params = form(new String(bytes("twilio/" + name + ".txt"), StandardCharsets.UTF_8));
      assertTrue(TwilioSignature.valid(TWILIO_TOKEN, url, params, h.get(TwilioSignature.HEADER)), name);
      assertFalse(TwilioSignature.valid(TWILIO_TOKEN, url.replace("https://", "http://"), params, h.get(TwilioSignature.HEADER)),
          name + ": the scheme is part of the signed URL");
    }
  }

  private static Map<String, List<String>> form(String body) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return params;
  }

  private static Map<String, String> headers(String resource) {
    return ChannelSamples.headers(resource);
  }

  private static byte[] bytes(String resource) {
    return ChannelSamples.bytes(resource);
  }
}
