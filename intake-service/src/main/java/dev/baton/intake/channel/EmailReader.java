package dev.baton.intake.channel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.serde.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ParsedField;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.util.MimeUtil;

/**
 * Reads the providers' inbound-email webhooks into an {@link InboundEmail}. Headers, addresses,
 * encoded words ({@code =?UTF-8?B?...?=}) and {@code multipart/form-data} are read with Apache
 * James mime4j, not by hand.
 *
 * <ul>
 *   <li><b>Mailgun</b> (a route's {@code forward()}): form fields {@code recipient}, {@code sender},
 *       {@code from}, {@code subject}, {@code body-plain}, {@code body-html}, {@code stripped-text},
 *       {@code Message-Id}, {@code In-Reply-To}, {@code References} and {@code message-headers} (a
 *       JSON list of {@code [name, value]}), already decoded to UTF-8.
 *   <li><b>SendGrid Inbound Parse</b> (not "raw"): {@code multipart/form-data} fields {@code
 *       headers} (the email's header block), {@code text}, {@code html}, {@code from}, {@code to},
 *       {@code subject}, {@code envelope} (JSON {@code {"to":[...],"from":...}}), {@code charsets}
 *       (JSON naming each field's charset) and {@code attachments}. A raw post ({@code email}) is
 *       refused: the tenant turns "raw" off.
 * </ul>
 */
public final class EmailReader {
  /** What one multipart field may hold and how many there may be; bodies are bounded before this. */
  private static final int MAX_PARTS = 200;
  private static final int MAX_REFERENCES = 50;
  private static final Pattern ID = Pattern.compile("<([^<>\\s]{1,998})>");

  private EmailReader() {}

  // ---------------------------------------------------------------- Mailgun

  public static InboundEmail mailgun(Map<String, List<String>> form) throws InboundEmail.Invalid {
    Map<String, String> headers = mailgunHeaders(FormBody.first(form, "message-headers"));
    String messageId = firstId(field(form, headers, "Message-Id"));
    String inReplyTo = firstId(field(form, headers, "In-Reply-To"));
    List<String> references = ids(field(form, headers, "References"));
    Mailbox from = mailbox("from", FormBody.first(form, "from"));
    if (from == null) {
      from = mailbox("sender", FormBody.first(form, "sender"));
    }
    if (from == null) {
      throw new InboundEmail.Invalid("from", "is required");
    }
    List<String> recipients = addresses("recipient", FormBody.first(form, "recipient"));
    if (recipients.isEmpty()) {
      throw new InboundEmail.Invalid("recipient", "is required");
    }
    int attachments = 0;
    try {
      String count = FormBody.first(form, "attachment-count");
      attachments = count == null ? 0 : Math.max(0, Integer.parseInt(count.strip()));
    } catch (NumberFormatException e) {
      throw new InboundEmail.Invalid("attachment-count", "must be a number");
    }
    return new InboundEmail(messageId, inReplyTo, references, lower(from.getAddress()), name(from),
        recipients, FormBody.first(form, "subject"), FormBody.first(form, "body-plain"),
        FormBody.first(form, "body-html"), FormBody.first(form, "stripped-text"), attachments);
  }

  /** A header from its own form field (Mailgun posts the common ones so), else from message-headers. */
  private static String field(Map<String, List<String>> form, Map<String, String> headers, String name) {
    String v = FormBody.first(form, name);
    return v != null ? v : headers.get(name.toLowerCase(Locale.ROOT));
  }

  private static Map<String, String> mailgunHeaders(String json) throws InboundEmail.Invalid {
    Map<String, String> out = new LinkedHashMap<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    JsonNode list;
    try {
      list = Json.MAPPER.readTree(json);
    } catch (IOException | UncheckedIOException e) {
      throw new InboundEmail.Invalid("message-headers", "must be a JSON list of [name, value] pairs");
    }
    if (list == null || !list.isArray()) {
      throw new InboundEmail.Invalid("message-headers", "must be a JSON list of [name, value] pairs");
    }
    for (JsonNode pair : list) {
      if (pair.isArray() && pair.size() == 2 && pair.get(0).isTextual() && pair.get(1).isTextual()) {
        out.putIfAbsent(pair.get(0).asText().toLowerCase(Locale.ROOT), pair.get(1).asText());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- SendGrid

  /**
   * A field of a {@code multipart/form-data} body: its bytes, its charset if it named one, its file
   * name if any. A file's bytes are not kept (empty): only that it came is.
   */
  public record Part(byte[] bytes, String charset, String filename) {}

  /** The fields of a {@code multipart/form-data} body, by name (the first of a repeated name). */
  public static Map<String, Part> multipart(byte[] body, String contentType) throws InboundEmail.Invalid {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("boundary=")) {
      throw new InboundEmail.Invalid("Content-Type", "must be multipart/form-data with a boundary");
    }
    MimeConfig config = new MimeConfig.Builder()
        .setMaxLineLen(-1)
        .setMaxHeaderCount(50)
        .setMaxHeaderLen(8192)
        .setMaxContentLen(-1)
        .setStrictParsing(false)
        .build();
    MimeTokenStream stream = new MimeTokenStream(config);
    Map<String, Part> parts = new LinkedHashMap<>();
    try {
      stream.parseHeadless(new ByteArrayInputStream(body), contentType);
      String name = null;
      String filename = null;
      int count = 0;
      for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
        switch (state) {
          case T_START_BODYPART -> {
            name = null;
            filename = null;
            if (++count > MAX_PARTS) {
              throw new InboundEmail.Invalid("body", "has more than " + MAX_PARTS + " fields");
            }
          }
          case T_FIELD -> {
            Field f = stream.getField();
            if ("content-disposition".equalsIgnoreCase(f.getName())) {
              ParsedField parsed = LenientFieldParser.getParser().parse(f, DecodeMonitor.SILENT);
              if (parsed instanceof ContentDispositionField cd) {
                name = cd.getParameter("name");
                filename = cd.getFilename();
              }
            }
          }
          case T_BODY -> {
            boolean kept = name != null && !parts.containsKey(name);
            if (!kept || filename != null) {
              // A file (an attachment, which Baton counts but does not keep) or a repeated field: read past
              // it without a copy of up to the whole body in memory.
              stream.getInputStream().transferTo(OutputStream.nullOutputStream());
              if (kept) {
                parts.put(name, new Part(new byte[0], stream.getBodyDescriptor().getCharset(), filename));
              }
            } else {
              parts.put(name, new Part(stream.getDecodedInputStream().readAllBytes(),
                  stream.getBodyDescriptor().getCharset(), filename));
            }
          }
          default -> {}
        }
      }
    } catch (MimeException | IOException | RuntimeException e) {
      throw new InboundEmail.Invalid("body", "is not a readable multipart/form-data body");
    }
    if (parts.isEmpty()) {
      throw new InboundEmail.Invalid("body", "has no form fields");
    }
    return parts;
  }

  public static InboundEmail sendGrid(Map<String, Part> parts) throws InboundEmail.Invalid {
    if (parts.containsKey("email") && !parts.containsKey("from")) {
      throw new InboundEmail.Invalid("email", "raw MIME posts are not read: turn off \"POST the raw, full MIME"
          + " message\" in the Inbound Parse settings");
    }
    Map<String, String> charsets = charsets(parts);
    Header header = header(text(parts, "headers", charsets));
    String messageId = firstId(value(header, "Message-ID"));
    String inReplyTo = firstId(value(header, "In-Reply-To"));
    List<String> references = ids(value(header, "References"));
    Mailbox from = mailbox("from", text(parts, "from", charsets));
    if (from == null) {
      throw new InboundEmail.Invalid("from", "is required");
    }
    List<String> recipients = new ArrayList<>();
    String envelope = text(parts, "envelope", charsets);
    if (envelope != null) {
      JsonNode e;
      try {
        e = Json.MAPPER.readTree(envelope);
      } catch (IOException | UncheckedIOException ex) {
        throw new InboundEmail.Invalid("envelope", "must be JSON with a 'to' list");
      }
      if (e == null || !e.path("to").isArray()) {
        throw new InboundEmail.Invalid("envelope", "must be JSON with a 'to' list");
      }
      for (JsonNode to : e.path("to")) {
        recipients.addAll(addresses("envelope.to", to.asText()));
      }
    }
    if (recipients.isEmpty()) {
      recipients.addAll(addresses("to", text(parts, "to", charsets)));
    }
    if (recipients.isEmpty()) {
      throw new InboundEmail.Invalid("to", "is required (or envelope.to)");
    }
    String subject = text(parts, "subject", charsets);
    int attachments = 0;
    try {
      String count = text(parts, "attachments", charsets);
      attachments = count == null ? 0 : Math.max(0, Integer.parseInt(count.strip()));
    } catch (NumberFormatException ex) {
      throw new InboundEmail.Invalid("attachments", "must be a number");
    }
    return new InboundEmail(messageId, inReplyTo, references, lower(from.getAddress()), name(from),
        List.copyOf(new LinkedHashSet<>(recipients)), subject, text(parts, "text", charsets),
        text(parts, "html", charsets), null, attachments);
  }

  /** SendGrid's {@code charsets}: {@code {"to":"UTF-8","text":"iso-8859-1",...}}. */
  private static Map<String, String> charsets(Map<String, Part> parts) throws InboundEmail.Invalid {
    Part p = parts.get("charsets");
    Map<String, String> out = new LinkedHashMap<>();
    if (p == null) {
      return out;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(new String(p.bytes(), StandardCharsets.UTF_8));
      if (n == null || !n.isObject()) {
        throw new InboundEmail.Invalid("charsets", "must be a JSON object naming each field's charset");
      }
      n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    } catch (IOException | UncheckedIOException e) {
      throw new InboundEmail.Invalid("charsets", "must be a JSON object naming each field's charset");
    }
    return out;
  }

  /** A field's text in the charset {@code charsets} names for it (else the part's own, else UTF-8). */
  private static String text(Map<String, Part> parts, String name, Map<String, String> charsets) {
    Part p = parts.get(name);
    if (p == null || p.filename() != null) {
      return null;
    }
    String cs = charsets.getOrDefault(name, p.charset());
    return new String(p.bytes(), charset(cs));
  }

  private static Charset charset(String name) {
    if (name == null || name.isBlank()) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name.strip());
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8; // an unknown label: UTF-8 with replacement characters beats losing the email
    }
  }

  private static Header header(String block) throws InboundEmail.Invalid {
    if (block == null || block.isBlank()) {
      return null;
    }
    try {
      String terminated = block.endsWith("\n\n") || block.endsWith("\r\n\r\n") ? block : block.strip() + "\r\n\r\n";
      return new DefaultMessageBuilder().parseHeader(new ByteArrayInputStream(terminated.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      throw new InboundEmail.Invalid("headers", "is not an email header block");
    }
  }

  private static String value(Header header, String name) {
    if (header == null) {
      return null;
    }
    org.apache.james.mime4j.stream.Field f = header.getField(name);
    return f == null ? null : MimeUtil.unfold(f.getBody());
  }

  // ---------------------------------------------------------------- shared

  /** The first {@code <id>} of a header (without brackets), or a bare id when there are no brackets. */
  static String firstId(String header) {
    List<String> ids = ids(header);
    if (!ids.isEmpty()) {
      return ids.get(0);
    }
    String bare = header == null ? "" : header.strip();
    return bare.isEmpty() || bare.length() > 998 || bare.chars().anyMatch(c -> c <= ' ' || c >= 0x7F) ? null : bare;
  }

  /** Every {@code <id>} of a header, in order, at most the newest {@value #MAX_REFERENCES}. */
  static List<String> ids(String header) {
    List<String> ids = new ArrayList<>();
    if (header == null) {
      return ids;
    }
    Matcher m = ID.matcher(header);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids.size() <= MAX_REFERENCES ? ids : new ArrayList<>(ids.subList(ids.size() - MAX_REFERENCES, ids.size()));
  }

  private static Mailbox mailbox(String field, String value) throws InboundEmail.Invalid {
    if (value == null || value.isBlank()) {
      return null;
    }
    Mailbox m;
    try {
      m = LenientAddressParser.DEFAULT.parseMailbox(value);
    } catch (RuntimeException e) {
      m = null;
    }
    if (m == null || m.getLocalPart() == null || m.getLocalPart().isEmpty() || m.getDomain() == null
        || m.getDomain().isEmpty()) {
      throw new InboundEmail.Invalid(field, "is not an email address");
    }
    if (!safeAddress(m.getAddress())) {
      throw new InboundEmail.Invalid(field, "is an address Baton cannot reply to (a quoted local part with"
          + " separators, blanks or a second '@')");
    }
    return m;
  }

  /**
   * Whether an address is one plain mailbox: a quoted local part such as {@code "a@evil.com,b"@x.com}
   * is valid mail syntax, but would become a list of recipients in a provider's {@code to}.
   */
  public static boolean safeAddress(String address) {
    if (address == null || address.isEmpty()) {
      return false;
    }
    int ats = 0;
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c == '@') {
        ats++;
      } else if (c <= ' ' || c == 0x7F || Character.isWhitespace(c) || Character.isSpaceChar(c) || ",;<>\"".indexOf(c) >= 0) {
        return false;
      }
    }
    return ats == 1;
  }

  private static List<String> addresses(String field, String value) throws InboundEmail.Invalid {
    List<String> out = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return out;
    }
    AddressList list;
    try {
      list = LenientAddressParser.DEFAULT.parseAddressList(value);
    } catch (RuntimeException e) {
      throw new InboundEmail.Invalid(field, "is not a list of email addresses");
    }
    for (Address a : list) {
      if (a instanceof Mailbox m) {
        add(out, m);
      } else if (a instanceof Group g) {
        g.getMailboxes().forEach(m -> add(out, m));
      }
    }
    if (out.isEmpty()) {
      throw new InboundEmail.Invalid(field, "is not a list of email addresses");
    }
    return out;
  }

  private static void add(List<String> out, Mailbox m) {
    if (m.getLocalPart() != null && !m.getLocalPart().isEmpty() && m.getDomain() != null && !m.getDomain().isEmpty()) {
      out.add(lower(m.getAddress()));
    }
  }

  private static String name(Mailbox m) {
    String name = m.getName();
    if (name == null || name.isBlank()) {
      return null;
    }
    // The lenient parser leaves encoded words of some clients in place; decoding twice is harmless.
    return DecoderUtil.decodeEncodedWords(name, DecodeMonitor.SILENT).strip();
  }

  private static String lower(String address) {
    return address.strip().toLowerCase(Locale.ROOT);
  }

}
