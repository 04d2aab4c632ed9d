import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * Plays Meta, Twilio and Mailgun against the local intake: sends the webhooks those providers send, on the
 * wire format and with the signatures they use, to Baton's real channel adapters.
 *
 * <pre>
 * java deploy/demo/Providers.java whatsapp TENANT FROM TEXT [NAME]   a customer's WhatsApp message (Cloud API)
 * java deploy/demo/Providers.java whatsapp-verify TENANT             Meta's webhook subscription handshake
 * java deploy/demo/Providers.java sms TENANT FROM TEXT               an SMS to the tenant's Twilio number
 * java deploy/demo/Providers.java call TENANT FROM [SAYS...]         a call to the tenant's Twilio number
 * java deploy/demo/Providers.java missed-call TENANT FROM [STATUS]   a call's status callback (no-answer)
 * java deploy/demo/Providers.java email TENANT FROM SUBJECT TEXT [IN_REPLY_TO]   an email to the tenant (Mailgun route)
 * java deploy/demo/Providers.java self-test                          the signatures against the providers' vectors
 * </pre>
 *
 * <p>A call is played as Twilio plays one: the incoming call's TwiML is followed verb by verb; each
 * {@code <Gather>} hears the next utterance (an empty one is silence: Twilio waits the gather's
 * timeout, then calls the action without a {@code SpeechResult}); {@code <Pause>} and {@code
 * <Redirect>} are obeyed; {@code <Enqueue>} or {@code <Dial>} ends the bot's part (the call is
 * transferred); when the utterances run out the caller hangs up and the status callback says
 * {@code completed}.
 *
 * <p>Settings from the environment: {@code INTAKE_PORT} (8080); {@code BATON_TENANTS_FILE}
 * (deploy/tenants.yaml), where the tenant's {@code channels} section names the numbers and the
 * variables holding the secrets; each secret from that variable, else from {@code
 * $BATON_RUN_DIR/secrets.env} (deploy/.run). JDK classes only, run by the JDK 17 source launcher.
 */
public final class Providers {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Twilio waits 15 s for a webhook's answer; the intake holds a call's request up to 10 s. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
  /** The WhatsApp Business Account the demo number belongs to (Meta's entry id; Baton routes on phone_number_id). */
  private static final String WABA_ID = "102290129340398";
  /** How Meta shows the business number in a webhook; Baton does not read it. */
  private static final String DISPLAY_NUMBER = "15550100100";
  /** Recognition confidence the simulated speech comes with. */
  private static final String CONFIDENCE = "0.91";
  /** Twilio's date format, e.g. {@code Wed, 12 Feb 2025 15:40:00 +0000}. */
  private static final DateTimeFormatter RFC_2822 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

  private final String intake;
  private final TenantsFile tenants;
  private final Secrets secrets;

  private Providers(String intake, TenantsFile tenants, Secrets secrets) {
    this.intake = intake;
    this.tenants = tenants;
    this.secrets = secrets;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
    }
    if (args[0].equals("self-test")) {
      System.exit(selfTest() ? 0 : 1);
    }
    Path file = Path.of(env("BATON_TENANTS_FILE", "deploy/tenants.yaml"));
    Path secretsFile = Path.of(env("BATON_RUN_DIR", "deploy/.run"), "secrets.env");
    Providers p =
        new Providers(
            "http://127.0.0.1:" + env("INTAKE_PORT", "8080"),
            TenantsFile.read(file),
            new Secrets(secretsFile));
    List<String> rest = List.of(args).subList(1, args.length);
    boolean ok =
        switch (args[0]) {
          case "whatsapp" -> rest.size() == 3 || rest.size() == 4
              ? p.whatsapp(rest.get(0), rest.get(1), rest.get(2), rest.size() == 4 ? rest.get(3) : "Demo Customer")
              : usage();
          case "whatsapp-verify" -> rest.size() == 1 ? p.whatsappVerify(rest.get(0)) : usage();
          case "sms" -> rest.size() == 3 ? p.sms(rest.get(0), rest.get(1), rest.get(2)) : usage();
          case "call" -> rest.size() >= 2 ? p.call(rest.get(0), rest.get(1), rest.subList(2, rest.size())) : usage();
          case "missed-call" -> rest.size() == 2 || rest.size() == 3
              ? p.missedCall(rest.get(0), rest.get(1), rest.size() == 3 ? rest.get(2) : "no-answer")
              : usage();
          case "email" -> rest.size() == 4 || rest.size() == 5
              ? p.email(rest.get(0), rest.get(1), rest.get(2), rest.get(3), rest.size() == 5 ? rest.get(4) : null)
              : usage();
          default -> usage();
        };
    System.exit(ok ? 0 : 1);
  }

  private static boolean usage() {
    System.err.println(
        """
        usage: java deploy/demo/Providers.java COMMAND ...
          whatsapp TENANT FROM TEXT [NAME]   a customer's WhatsApp message, as Meta's Cloud API webhook
          whatsapp-verify TENANT             Meta's webhook subscription handshake
          sms TENANT FROM TEXT               an SMS to the tenant's Twilio number, as Twilio's webhook
          call TENANT FROM [SAYS...]         a call to the tenant's Twilio number; each SAYS is one
                                             thing the caller says ("" is silence)
          missed-call TENANT FROM [STATUS]   the call's status callback: no-answer (default), busy,
                                             failed or canceled
          email TENANT FROM SUBJECT TEXT [IN_REPLY_TO]
                                             an email to the tenant's address, as a Mailgun route
                                             forwards it; IN_REPLY_TO: the Message-ID it answers
          self-test                          checks the signatures against the providers' vectors
        FROM is the customer's number in E.164, e.g. +4915112345678 (for email: an address,
        e.g. "Mia Becker <mia@example.com>").
        env: INTAKE_PORT (8080), BATON_TENANTS_FILE (deploy/tenants.yaml), BATON_RUN_DIR (deploy/.run)""");
    System.exit(2);
    return false;
  }

  // ---------------------------------------------------------------- WhatsApp (Meta Cloud API)

  private boolean whatsapp(String tenant, String from, String text, String name) throws Exception {
    String phoneNumberId = tenants.required(tenant, "channels.whatsapp.phoneNumberId");
    String appSecret = secrets.of(tenants.required(tenant, "channels.whatsapp.appSecretEnv"));
    String waId = digits(from);
    String wamid = newWamid(waId);
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + WABA_ID + "\",\"changes\":[{\"value\":{"
            + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"" + DISPLAY_NUMBER
            + "\",\"phone_number_id\":\"" + phoneNumberId + "\"},"
            + "\"contacts\":[{\"profile\":{\"name\":" + MetaJson.string(name) + "},\"wa_id\":\"" + waId + "\"}],"
            + "\"messages\":[{\"from\":\"" + waId + "\",\"id\":\"" + wamid + "\",\"timestamp\":\""
            + System.currentTimeMillis() / 1000 + "\",\"type\":\"text\",\"text\":{\"body\":" + MetaJson.string(text)
            + "}}]},\"field\":\"messages\"}]}]}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String path = "/v1/channels/whatsapp/" + tenant;
    System.out.println("Meta → POST " + path + "  text from +" + waId + " (" + name + "), " + shortId(wamid));
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(intake + path))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(hmac("HmacSHA256", appSecret, bytes)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    System.out.println("  HTTP " + r.statusCode() + " " + r.body());
    return r.statusCode() == 200;
  }

  private boolean whatsappVerify(String tenant) throws Exception {
    String token = secrets.of(tenants.required(tenant, "channels.whatsapp.verifyTokenEnv"));
    String challenge = Long.toString(1_000_000_000L + RANDOM.nextInt(1_000_000_000));
    String path = "/v1/channels/whatsapp/" + tenant;
    System.out.println("Meta → GET " + path + "?hub.mode=subscribe&hub.challenge=" + challenge + "&hub.verify_token=…");
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(
                    URI.create(intake + path + "?hub.mode=subscribe&hub.challenge=" + challenge + "&hub.verify_token="
                        + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .GET());
    boolean echoed = r.statusCode() == 200 && r.body().equals(challenge);
    System.out.println("  HTTP " + r.statusCode() + " " + r.body() + (echoed ? "  (challenge echoed: subscribed)" : ""));
    return echoed;
  }

  /**
   * A message id shaped like Meta's: base64 of a small record holding the customer's number and a
   * random hex id (the sample wamids decode to that).
   */
  static String newWamid(String waId) {
    byte[] number = waId.getBytes(StandardCharsets.US_ASCII);
    byte[] hex = HexFormat.of().withUpperCase().formatHex(randomBytes(10)).getBytes(StandardCharsets.US_ASCII);
    byte[] record = new byte[3 + number.length + 6 + hex.length + 1];
    int i = 0;
    record[i++] = 0x1c;
    record[i++] = 0x18;
    record[i++] = (byte) number.length;
    System.arraycopy(number, 0, record, i, number.length);
    i += number.length;
    for (int b : new int[] {0x15, 0x02, 0x00, 0x12, 0x18, hex.length}) {
      record[i++] = (byte) b;
    }
    System.arraycopy(hex, 0, record, i, hex.length);
    return "wamid." + Base64.getEncoder().encodeToString(record);
  }

  // ---------------------------------------------------------------- Twilio: messages

  private boolean sms(String tenant, String from, String text) throws Exception {
    Twilio t = twilio(tenant);
    String sid = "SM" + HexFormat.of().formatHex(randomBytes(16));
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ToCountry", "");
    params.put("SmsMessageSid", sid);
    params.put("NumMedia", "0");
    params.put("SmsSid", sid);
    params.put("SmsStatus", "received");
    params.put("Body", text);
    params.put("To", t.number());
    params.put("NumSegments", "1");
    params.put("MessageSid", sid);
    params.put("AccountSid", t.accountSid());
    params.put("From", e164(from));
    params.put("ApiVersion", "2010-04-01");
    String path = "/v1/channels/twilio/" + tenant + "/messages";
    System.out.println("Twilio → POST " + path + "  SMS from " + e164(from) + " to " + t.number() + ", " + sid);
    HttpResponse<String> r = twilioPost(t, path, params);
    System.out.println("  HTTP " + r.statusCode() + " " + r.body());
    return r.statusCode() == 200;
  }

  // ---------------------------------------------------------------- Twilio: calls

  private boolean call(String tenant, String from, List<String> utterances) throws Exception {
    Twilio t = twilio(tenant);
    String callSid = "CA" + HexFormat.of().formatHex(randomBytes(16));
    String caller = e164(from);
    Map<String, String> call = new LinkedHashMap<>();
    call.put("AccountSid", t.accountSid());
    call.put("ApiVersion", "2010-04-01");
    call.put("CallSid", callSid);
    call.put("Called", t.number());
    call.put("Caller", caller);
    call.put("Direction", "inbound");
    call.put("From", caller);
    call.put("To", t.number());
    Deque<String> says = new ArrayDeque<>(utterances);
    long started = System.nanoTime();

    System.out.println("Twilio: call " + callSid + " from " + caller + " to " + t.number());
    Map<String, String> params = new LinkedHashMap<>(call);
    params.put("CallStatus", "ringing");
    Element twiml = voiceStep(t, "/v1/channels/twilio/" + tenant + "/voice", params, "ringing");
    int sequence = 0;
    while (twiml != null) {
      String url = null;
      Map<String, String> ask = new LinkedHashMap<>(call);
      ask.put("CallStatus", "in-progress");
      for (Element verb : children(twiml)) {
        switch (verb.getTagName()) {
          case "Gather" -> {
            if (says.isEmpty()) {
              System.out.println("  caller hangs up");
              return callEnded(t, tenant, call, started, ++sequence);
            }
            String said = says.pop();
            url = verb.getAttribute("action");
            if (said.isBlank()) {
              int timeout = intAttribute(verb, "timeout", 5);
              System.out.println("caller: (silence; Twilio waits the gather's " + timeout + " s timeout)");
              Thread.sleep(timeout * 1000L);
            } else {
              System.out.println("caller: " + said);
              ask.put("SpeechResult", said);
              ask.put("Confidence", CONFIDENCE);
              ask.put("Language", verb.getAttribute("language"));
            }
          }
          case "Pause" -> Thread.sleep(intAttribute(verb, "length", 1) * 1000L);
          case "Redirect" -> url = verb.getTextContent().trim();
          case "Enqueue" -> {
            System.out.println("  → transferred: the caller waits in Twilio queue '" + verb.getTextContent().trim()
                + "' for the tenant's agents");
            return true;
          }
          case "Dial" -> {
            System.out.println("  → transferred: Twilio dials " + verb.getTextContent().trim());
            return true;
          }
          case "Hangup" -> {
            System.out.println("  → Baton hangs up");
            return callEnded(t, tenant, call, started, ++sequence);
          }
          default -> { } // <Say> was printed with the document; Twilio speaks it
        }
        if (url != null) {
          break; // Twilio leaves the document at a Gather's action or a Redirect
        }
      }
      if (url == null) {
        System.out.println("  → the TwiML ends: Twilio hangs up");
        return callEnded(t, tenant, call, started, ++sequence);
      }
      String what = ask.containsKey("SpeechResult") ? "SpeechResult, Confidence " + CONFIDENCE
          : url.endsWith("/wait") ? "Redirect" : "no speech";
      twiml = voiceStep(t, url, ask, what);
    }
    return false;
  }

  /** POSTs one voice webhook and prints the TwiML answer; null when the intake refused it. */
  private Element voiceStep(Twilio t, String url, Map<String, String> params, String what) throws Exception {
    String path = URI.create(intake).resolve(url).getPath();
    System.out.println("  Twilio → POST " + path + "  (" + what + ")");
    HttpResponse<String> r = twilioPost(t, path, params);
    if (r.statusCode() != 200) {
      System.out.println("  HTTP " + r.statusCode() + " " + r.body());
      return null;
    }
    Element root = parseXml(r.body());
    System.out.println("  HTTP 200 TwiML:");
    printXml(root, "      ");
    return root;
  }

  private boolean callEnded(Twilio t, String tenant, Map<String, String> call, long started, int sequence)
      throws Exception {
    Map<String, String> params = new LinkedHashMap<>(call);
    long seconds = Math.max(1, (System.nanoTime() - started) / 1_000_000_000L);
    statusParams(params, "completed", Long.toString(seconds), sequence);
    String path = "/v1/channels/twilio/" + tenant + "/voice/status";
    System.out.println("  Twilio → POST " + path + "  (CallStatus=completed, " + seconds + " s)");
    HttpResponse<String> r = twilioPost(t, path, params);
    System.out.println("  HTTP " + r.statusCode());
    return r.statusCode() == 200;
  }

  private boolean missedCall(String tenant, String from, String status) throws Exception {
    if (!List.of("no-answer", "busy", "failed", "canceled").contains(status)) {
      return usage();
    }
    Twilio t = twilio(tenant);
    String callSid = "CA" + HexFormat.of().formatHex(randomBytes(16));
    String caller = e164(from);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("AccountSid", t.accountSid());
    params.put("ApiVersion", "2010-04-01");
    params.put("CallSid", callSid);
    params.put("Called", t.number());
    params.put("Caller", caller);
    params.put("From", caller);
    params.put("To", t.number());
    params.put("Direction", "inbound");
    statusParams(params, status, "0", 1);
    String path = "/v1/channels/twilio/" + tenant + "/voice/status";
    System.out.println("Twilio → POST " + path + "  call " + callSid + " from " + caller + ": CallStatus=" + status);
    HttpResponse<String> r = twilioPost(t, path, params);
    System.out.println("  HTTP " + r.statusCode() + (r.statusCode() == 200 ? "" : " " + r.body()));
    return r.statusCode() == 200;
  }

  // ---------------------------------------------------------------- Mailgun: inbound routes

  /**
   * An email to the tenant's first address, as a Mailgun route's {@code forward()} posts it: the
   * parsed fields and {@code timestamp}, {@code token}, {@code signature} (hex HMAC-SHA256 of the
   * webhook signing key over timestamp + token).
   */
  private boolean email(String tenant, String from, String subject, String text, String inReplyTo) throws Exception {
    String to = tenants.required(tenant, "channels.email.addresses.0");
    String key = secrets.of(tenants.required(tenant, "channels.email.mailgun.signingKeyEnv"));
    String messageId = "<demo." + HexFormat.of().formatHex(randomBytes(8)) + "@mail.example.com>";
    String address = from.replaceAll("^.*<([^>]+)>.*$", "$1");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("recipient", to);
    form.put("sender", address);
    form.put("from", from);
    form.put("subject", subject);
    form.put("body-plain", text);
    form.put("Message-Id", messageId);
    if (inReplyTo != null) {
      String id = inReplyTo.startsWith("<") ? inReplyTo : "<" + inReplyTo + ">";
      form.put("In-Reply-To", id);
      form.put("References", id);
    }
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    String token = HexFormat.of().formatHex(randomBytes(25));
    form.put("timestamp", timestamp);
    form.put("token", token);
    form.put("signature", HexFormat.of().formatHex(
        hmac("HmacSHA256", key, (timestamp + token).getBytes(StandardCharsets.UTF_8))));
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    String path = "/v1/channels/mailgun/" + tenant;
    System.out.println("Mailgun → POST " + path + "  email from " + address + " to " + to + ", " + messageId
        + (inReplyTo == null ? "" : " (in reply to " + form.get("In-Reply-To") + ")"));
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(intake + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    System.out.println("  HTTP " + r.statusCode() + " " + r.body());
    return r.statusCode() == 200;
  }

  private static void statusParams(Map<String, String> params, String status, String duration, int sequence) {
    params.put("CallStatus", status);
    params.put("CallDuration", duration);
    params.put("Duration", Long.toString((Long.parseLong(duration) + 59) / 60));
    params.put("Timestamp", RFC_2822.format(ZonedDateTime.now(java.time.ZoneOffset.UTC)));
    params.put("SequenceNumber", Integer.toString(sequence));
    params.put("CallbackSource", "call-progress-events");
  }

  // ---------------------------------------------------------------- Twilio: signing

  private record Twilio(String accountSid, String authToken, String number) {}

  private Twilio twilio(String tenant) {
    return new Twilio(
        tenants.required(tenant, "channels.twilio.accountSid"),
        secrets.of(tenants.required(tenant, "channels.twilio.authTokenEnv")),
        tenants.required(tenant, "channels.twilio.numbers.0"));
  }

  private HttpResponse<String> twilioPost(Twilio t, String path, Map<String, String> params) throws Exception {
    String url = intake + path;
    StringBuilder form = new StringBuilder();
    params.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Twilio-Signature", twilioSignature(t.authToken(), url, params))
            .header("I-Twilio-Idempotency-Token", java.util.UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString(form.toString())));
  }

  /**
   * base64(HMAC-SHA1(auth token, URL + each parameter's name and value, names sorted by code
   * point)); values are single here, so the per-name value sort of Twilio's validators is moot.
   */
  static String twilioSignature(String authToken, String url, Map<String, String> params) {
    StringBuilder data = new StringBuilder(url);
    new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
    return Base64.getEncoder()
        .encodeToString(hmac("HmacSHA1", authToken, data.toString().getBytes(StandardCharsets.UTF_8)));
  }

  // ---------------------------------------------------------------- plumbing

  private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    try {
      return HTTP.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      throw new IOException("the intake does not answer on " + request.build().uri() + "; is Baton running (deploy/run.sh)?", e);
    }
  }

  static byte[] hmac(String algorithm, String key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " unavailable", e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** The customer's number as Meta writes it: country code and digits, no '+'. */
  private static String digits(String number) {
    String d = number.replaceAll("[\\s().-]", "").replaceFirst("^\\+", "");
    if (!d.matches("[1-9][0-9]{6,14}")) {
      throw new IllegalArgumentException("not a phone number in E.164 (+ and 7-15 digits): " + number);
    }
    return d;
  }

  private static String e164(String number) {
    return "+" + digits(number);
  }

  private static String shortId(String wamid) {
    return wamid.length() > 24 ? wamid.substring(0, 24) + "…" : wamid;
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static int intAttribute(Element e, String name, int fallback) {
    try {
      return Integer.parseInt(e.getAttribute(name));
    } catch (NumberFormatException ex) {
      return fallback;
    }
  }

  private static Element parseXml(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
  }

  private static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element child) {
        out.add(child);
      }
    }
    return out;
  }

  /** One element a line, indented; an element holding only text stays on its line. */
  private static void printXml(Element e, String indent) {
    StringBuilder open = new StringBuilder("<").append(e.getTagName());
    for (int i = 0; i < e.getAttributes().getLength(); i++) {
      Node a = e.getAttributes().item(i);
      open.append(' ').append(a.getNodeName()).append("=\"").append(escapeXml(a.getNodeValue())).append('"');
    }
    List<Element> kids = children(e);
    String text = e.getTextContent().trim();
    if (kids.isEmpty() && text.isEmpty()) {
      System.out.println(indent + open + "/>");
    } else if (kids.isEmpty()) {
      System.out.println(indent + open + ">" + escapeXml(text) + "</" + e.getTagName() + ">");
    } else {
      System.out.println(indent + open + ">");
      for (Element k : kids) {
        printXml(k, indent + "  ");
      }
      System.out.println(indent + "</" + e.getTagName() + ">");
    }
  }

  private static String escapeXml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  // ---------------------------------------------------------------- self-test

  /** The providers' published vectors (/shared/channels/VECTORS.md) and Meta's escaping. */
  private static boolean selfTest() {
    boolean ok = true;
    ok &= check("Meta X-Hub-Signature-256 (WhatsApp Node SDK vector)",
        HexFormat.of().formatHex(hmac("HmacSHA256", "TEST_APP_SECRET", "test".getBytes(StandardCharsets.UTF_8))),
        "0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221");
    Map<String, String> params = new LinkedHashMap<>();
    params.put("To", "+18005551212");
    params.put("From", "+14158675309");
    params.put("Digits", "1234");
    params.put("Caller", "+14158675309");
    params.put("CallSid", "CA1234567890ABCDE");
    ok &= check("Twilio X-Twilio-Signature (twilio-python vector)",
        twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    ok &= check("Mailgun signature (shared constructed vector)",
        HexFormat.of().formatHex(hmac("HmacSHA256", "key-test-signing-key",
            "1770920772e0b5477167110d68991efc6b9f89f0a11066af27834600e123".getBytes(StandardCharsets.UTF_8))),
        "05da75aae5916ef0aa2d4f09360b089f722764250e30fa45d13f5a610525cff1");
    ok &= check("Meta JSON escaping (lower-case \\u, surrogate pairs)",
        MetaJson.string("Grüße \"x\"\\ \n😀"), "\"Gr\\u00fc\\u00dfe \\\"x\\\"\\\\ \\n\\ud83d\\ude00\"");
    // Decoded, a wamid holds the number and a 20-digit hex id: 1c 18 <len> <digits> 15 02 00 12 18 14 <hex> 00.
    byte[] wamid = Base64.getDecoder().decode(newWamid("4915112345678").substring("wamid.".length()));
    ok &= check("wamid shape", HexFormat.of().formatHex(wamid).replaceAll("^(1c180d" + HexFormat.of().formatHex(
        "4915112345678".getBytes(StandardCharsets.US_ASCII)) + "150200121814)(?:3[0-9]|4[1-6]){20}00$", "$1"),
        "1c180d" + HexFormat.of().formatHex("4915112345678".getBytes(StandardCharsets.US_ASCII)) + "150200121814");
    return ok;
  }

  private static boolean check(String what, String actual, String expected) {
    boolean ok = actual.equals(expected);
    System.out.println((ok ? "ok    " : "FAIL  ") + what + (ok ? "" : ": got " + actual + ", expected " + expected));
    return ok;
  }

  // ---------------------------------------------------------------- Meta's JSON

  /** JSON strings as Meta writes them: every non-ASCII character as a lower-case {@code \\uXXXX}. */
  static final class MetaJson {
    private MetaJson() {}

    static String string(String s) {
      StringBuilder out = new StringBuilder(s.length() + 2).append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i); // UTF-16 units: an emoji becomes its surrogate pair, as Meta sends it
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20 || c > 0x7e) {
              out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      return out.append('"').toString();
    }
  }

  // ---------------------------------------------------------------- secrets

  /** A secret from its environment variable, else from secrets.env (NAME=VALUE lines, never run). */
  private static final class Secrets {
    private final Path file;

    Secrets(Path file) {
      this.file = file;
    }

    String of(String name) {
      String value = System.getenv(name);
      if (value != null && !value.isEmpty()) {
        return value;
      }
      try {
        if (Files.isReadable(file)) {
          for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).equals(name) && eq + 1 < line.length()) {
              return line.substring(eq + 1);
            }
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
      }
      throw new IllegalStateException("no value for " + name + ": set it, or run deploy/run.sh once so " + file + " exists");
    }
  }

  // ---------------------------------------------------------------- tenants file

  /**
   * The scalars of a block-style YAML file, flattened to dotted paths ({@code
   * tenants.0.channels.twilio.numbers.0}). Enough for the tenants file's channel settings; the JDK
   * has no YAML parser and the source launcher runs one file, so CallbackReceiver.java holds the
   * same reader: keep the two alike.
   */
  static final class TenantsFile {
    private final Map<String, String> values;

    private TenantsFile(Map<String, String> values) {
      this.values = values;
    }

    static TenantsFile read(Path file) throws IOException {
      return new TenantsFile(flatten(Files.readAllLines(file, StandardCharsets.UTF_8)));
    }

    /** {@code tenants.<i>.<key>} of the tenant with that id, if the tenant and the key are there. */
    java.util.Optional<String> value(String tenant, String key) {
      for (int i = 0; values.containsKey("tenants." + i + ".id"); i++) {
        if (values.get("tenants." + i + ".id").equals(tenant)) {
          return java.util.Optional.ofNullable(values.get("tenants." + i + "." + key)).filter(v -> !v.isEmpty());
        }
      }
      return java.util.Optional.empty();
    }

    /** The same, failing with what is missing. */
    String required(String tenant, String key) {
      if (value(tenant, "id").isEmpty()) {
        throw new IllegalStateException("no tenant " + tenant + " in the tenants file");
      }
      return value(tenant, key).orElseThrow(
          () -> new IllegalStateException("tenant " + tenant + " has no " + key + " in the tenants file"));
    }

    /** The id of the first tenant whose {@code key} is {@code value}. */
    java.util.Optional<String> tenantWhere(String key, String value) {
      for (int i = 0; values.containsKey("tenants." + i + ".id"); i++) {
        if (value.equals(values.get("tenants." + i + "." + key))) {
          return java.util.Optional.of(values.get("tenants." + i + ".id"));
        }
      }
      return java.util.Optional.empty();
    }

    /** An open mapping key or sequence item; {@code items} counts the sequence items under it. */
    private record Frame(int column, String path, boolean item, int[] items) {}

    static Map<String, String> flatten(List<String> lines) {
      Map<String, String> out = new LinkedHashMap<>();
      Deque<Frame> stack = new ArrayDeque<>();
      stack.push(new Frame(-1, "", false, new int[1]));
      int skipDeeperThan = Integer.MAX_VALUE; // inside a block scalar (| or >)
      for (String raw : lines) {
        String line = raw.stripTrailing();
        int column = line.length() - line.stripLeading().length();
        String content = line.strip();
        if (column > skipDeeperThan && !content.isEmpty()) {
          continue;
        }
        skipDeeperThan = Integer.MAX_VALUE;
        if (content.isEmpty() || content.startsWith("#") || content.equals("---")) {
          continue;
        }
        while (content.startsWith("- ") || content.equals("-")) {
          // A sequence item: pops back to the key that holds the sequence (or an item of it at this column).
          while (stack.peek().column > column || (stack.peek().column == column && stack.peek().item)) {
            stack.pop();
          }
          Frame parent = stack.peek();
          String item = join(parent.path, Integer.toString(parent.items[0]++));
          stack.push(new Frame(column, item, true, new int[1]));
          String rest = content.substring(1).stripLeading();
          column += content.length() - rest.length();
          content = rest;
          if (content.isEmpty()) {
            break;
          }
          if (!isKey(content)) {
            out.put(item, scalar(content));
            content = "";
          }
        }
        if (content.isEmpty() || !isKey(content)) {
          continue;
        }
        while (stack.peek().column >= column) {
          stack.pop();
        }
        int colon = keyEnd(content);
        String key = unquote(content.substring(0, colon).strip());
        String value = content.substring(colon + 1).strip();
        String path = join(stack.peek().path, key);
        if (value.isEmpty() || value.startsWith("#")) {
          stack.push(new Frame(column, path, false, new int[1]));
        } else if (value.startsWith("|") || value.startsWith(">")) {
          skipDeeperThan = column;
        } else if (value.startsWith("[")) {
          String inner = value.substring(1, Math.max(1, value.lastIndexOf(']')));
          int i = 0;
          for (String part : inner.split(",")) {
            if (!part.isBlank()) {
              out.put(path + "." + i++, unquote(part.strip()));
            }
          }
        } else {
          out.put(path, scalar(value));
        }
      }
      return out;
    }

    private static boolean isKey(String content) {
      return keyEnd(content) > 0;
    }

    /** The colon ending a mapping key ("key: value" or "key:"), outside quotes; -1 if none. */
    private static int keyEnd(String content) {
      char quote = 0;
      for (int i = 0; i < content.length(); i++) {
        char c = content.charAt(i);
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          }
        } else if (c == '"' || c == '\'') {
          if (i == 0) {
            quote = c;
          }
        } else if (c == '{' || c == '[') {
          return -1;
        } else if (c == ':' && (i + 1 == content.length() || content.charAt(i + 1) == ' ')) {
          return i;
        }
      }
      return -1;
    }

    private static String scalar(String value) {
      if (value.startsWith("\"") || value.startsWith("'")) {
        int end = value.indexOf(value.charAt(0), 1);
        return end > 0 ? value.substring(1, end) : value.substring(1);
      }
      int comment = value.indexOf(" #");
      return (comment >= 0 ? value.substring(0, comment) : value).strip();
    }

    private static String unquote(String s) {
      return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))
          ? s.substring(1, s.length() - 1)
          : s;
    }

    private static String join(String parent, String key) {
      return parent.isEmpty() ? key : parent + "." + key;
    }
  }
}
