package dev.baton.tenant;

import dev.baton.schemas.Channel;

/**
 * The provider channels a tenant has plugged in, from the {@code channels} section of the tenants
 * file. A channel without a provider here (WhatsApp for a tenant that has not connected its
 * number, web chat without a widget) is served by the generic webhook and {@code callbackUrl}.
 *
 * @param whatsapp the tenant's WhatsApp Business number on Meta's Cloud API; null when not connected
 * @param twilio the tenant's Twilio account and numbers (SMS, voice, WhatsApp via Twilio); null when
 *     not connected
 * @param webchat the tenant's web chat widget, served by Baton; null when the tenant has none
 * @param email the tenant's inbound addresses on Mailgun or SendGrid; null when not connected
 */
public record Channels(WhatsApp whatsapp, Twilio twilio, WebChat webchat, Email email) {
  public static final Channels NONE = new Channels(null, null, null, null);

  public Channels(WhatsApp whatsapp) {
    this(whatsapp, null, null, null);
  }

  public Channels(WhatsApp whatsapp, Twilio twilio) {
    this(whatsapp, twilio, null, null);
  }

  public Channels(WhatsApp whatsapp, Twilio twilio, WebChat webchat) {
    this(whatsapp, twilio, webchat, null);
  }

  /**
   * True when messages on {@code channel} go through a provider's API rather than the callback.
   * WhatsApp goes through Meta's Cloud API when connected, else through Twilio's WhatsApp sender.
   */
  public boolean hasProviderFor(Channel channel) {
    return switch (channel) {
      case WHATSAPP -> whatsapp != null || (twilio != null && twilio.whatsappNumber() != null);
      case SMS, VOICE -> twilio != null;
      case EMAIL -> email != null;
      default -> false;
    };
  }

  /**
   * True when a message of this conversation goes out through a provider or Baton's web chat
   * widget, not the callback. The widget's conversations ({@code webchat:<random>}, which only
   * Baton names) go to the widget; other web chat conversations, from a tenant's own chat over the
   * generic API, stay with the callback.
   */
  public boolean deliversItself(Channel channel, String conversationId) {
    return hasProviderFor(channel)
        || (channel == Channel.WEBCHAT && webchat != null && WebChat.isWidgetConversation(conversationId));
  }

  /**
   * A Twilio account's numbers. The auth token signs Twilio's webhooks ({@code X-Twilio-Signature})
   * and authenticates Baton's API calls; null when its variable is unset (listed in the warnings).
   *
   * @param accountSid the account ({@code AC...}); webhooks of another account are refused
   * @param authToken the current auth token
   * @param previousAuthToken while rotating, Twilio's secondary token, still accepted on webhooks
   * @param numbers the tenant's phone numbers in E.164, for SMS and calls; the first sends
   * @param whatsappNumber the tenant's WhatsApp sender on Twilio in E.164, or null
   * @param apiBaseUrl Twilio's REST API base URL
   * @param voice how Baton answers and transfers the tenant's calls
   * @param missedCallContentSid the approved WhatsApp Content template ({@code HX...}) that
   *     acknowledges a missed call on the WhatsApp sender, since a caller's 24-hour window is
   *     usually closed; null to send nothing then
   * @param missedCallContentVariables the template's variables {@code 1}, {@code 2}, ... in order,
   *     each naming a value Baton knows ({@link MessageTemplate#PARAMETERS}); empty for none
   */
  public record Twilio(
      String accountSid,
      String authToken,
      String previousAuthToken,
      java.util.List<String> numbers,
      String whatsappNumber,
      String apiBaseUrl,
      Voice voice,
      String missedCallContentSid,
      java.util.List<String> missedCallContentVariables) {
    public static final String DEFAULT_API_BASE_URL = "https://api.twilio.com";

    public Twilio {
      numbers = numbers == null ? java.util.List.of() : java.util.List.copyOf(numbers);
      missedCallContentVariables =
          missedCallContentVariables == null ? java.util.List.of() : java.util.List.copyOf(missedCallContentVariables);
    }

    /** An account without a missed-call template. */
    public Twilio(String accountSid, String authToken, String previousAuthToken, java.util.List<String> numbers,
        String whatsappNumber, String apiBaseUrl, Voice voice) {
      this(accountSid, authToken, previousAuthToken, numbers, whatsappNumber, apiBaseUrl, voice, null, null);
    }

    /** The tokens an incoming webhook may be signed with: the current one, then the previous one. */
    public java.util.List<String> acceptedAuthTokens() {
      java.util.List<String> tokens = new java.util.ArrayList<>(2);
      if (authToken != null) {
        tokens.add(authToken);
      }
      if (previousAuthToken != null) {
        tokens.add(previousAuthToken);
      }
      return java.util.List.copyOf(tokens);
    }

    @Override
    public String toString() {
      return "Twilio[accountSid=" + accountSid + ", numbers=" + numbers + "]";
    }
  }

  /**
   * Calls on the tenant's Twilio numbers.
   *
   * @param language the language of speech recognition and of the spoken voice (BCP 47, {@code en-US})
   * @param voice Twilio's text-to-speech voice (e.g. {@code Polly.Joanna}), or null for its default
   * @param enqueue the Twilio queue a handed-off call joins ({@code <Enqueue>}), where the tenant's
   *     agents pick it up; null when {@code dial} is set
   * @param dial the number (E.164) or SIP URI ({@code sip:agents@pbx.example.com}) a handed-off
   *     call is connected to ({@code <Dial>}); null when {@code enqueue} is set
   */
  public record Voice(String language, String voice, String enqueue, String dial) {
    public static Voice defaults(String tenantId) {
      return new Voice("en-US", null, "baton-" + tenantId, null);
    }

    /** True when a SIP URI, not a phone number, takes handed-off calls. */
    public boolean dialsSip() {
      return dial != null && dial.startsWith("sip:");
    }
  }

  /**
   * A WhatsApp Business phone number on the Cloud API. The secrets are resolved from the environment
   * variables the file names; each is null when its variable is unset (listed in the directory's
   * warnings): the webhook is then refused, the handshake answered 403, sending dead-lettered.
   *
   * @param phoneNumberId Meta's id of the business number ({@code metadata.phone_number_id})
   * @param appSecret the Meta app's secret, which signs the webhooks ({@code X-Hub-Signature-256})
   * @param verifyToken what Meta must present in the subscription handshake
   * @param accessToken the system-user token sending on this number through the Graph API
   * @param apiBaseUrl the Graph API's base URL with its version
   * @param missedCallTemplate the approved template sent to acknowledge a missed call, since a
   *     caller's 24-hour customer-service window is usually closed; null to send nothing then
   */
  public record WhatsApp(
      String phoneNumberId,
      String appSecret,
      String verifyToken,
      String accessToken,
      String apiBaseUrl,
      MessageTemplate missedCallTemplate) {
    public static final String DEFAULT_API_BASE_URL = "https://graph.facebook.com/v21.0";

    @Override
    public String toString() {
      // Secrets must never reach a log line.
      return "WhatsApp[phoneNumberId=" + phoneNumberId + ", apiBaseUrl=" + apiBaseUrl + "]";
    }
  }

  /**
   * An approved WhatsApp message template: its name and language code ({@code en_US}). Its body's
   * parameters are filled in order from {@code bodyParameters}, each naming a value Baton knows
   * ({@code tenantName}, {@code customerName}).
   */
  public record MessageTemplate(String name, String language, java.util.List<String> bodyParameters) {
    public static final java.util.Set<String> PARAMETERS = java.util.Set.of("tenantName", "customerName");

    public MessageTemplate {
      bodyParameters = bodyParameters == null ? java.util.List.of() : java.util.List.copyOf(bodyParameters);
    }
  }

  /**
   * The tenant's email on Mailgun (inbound routes) or SendGrid (Inbound Parse). Secrets are resolved
   * from the variables the file names; each is null when its variable is unset (listed in the
   * warnings): the webhook is then refused and sending dead-lettered.
   *
   * @param provider who receives and sends the tenant's email
   * @param addresses the tenant's inbound addresses, lower-cased; an email to none of them is refused
   * @param fromAddress the address replies are sent from (lower-cased)
   * @param fromName the display name of replies, or null
   * @param apiKey the provider's API key that sends
   * @param apiBaseUrl the provider's API base URL, without a trailing slash
   * @param signingKey Mailgun: the HTTP webhook signing key; null for SendGrid
   * @param sendingDomain Mailgun: the sending domain ({@code /v3/<domain>/messages}); null for SendGrid
   * @param inboundToken SendGrid: the secret last path segment of the Inbound Parse URL, or null
   * @param basicAuthUser SendGrid: the user of the Inbound Parse URL's basic auth, or null
   * @param basicAuthPassword SendGrid: its password, or null
   */
  public record Email(
      EmailProvider provider,
      java.util.List<String> addresses,
      String fromAddress,
      String fromName,
      String apiKey,
      String apiBaseUrl,
      String signingKey,
      String sendingDomain,
      String inboundToken,
      String basicAuthUser,
      String basicAuthPassword) {
    public static final String MAILGUN_API_BASE_URL = "https://api.mailgun.net";
    /** Mailgun's EU region. */
    public static final String MAILGUN_EU_API_BASE_URL = "https://api.eu.mailgun.net";
    public static final String SENDGRID_API_BASE_URL = "https://api.sendgrid.com";

    public Email {
      addresses = addresses == null ? java.util.List.of() : java.util.List.copyOf(addresses);
    }

    /** Whether {@code address} (any case) is one of the tenant's inbound addresses. */
    public boolean receivesAt(String address) {
      return address != null && addresses.contains(address.strip().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String toString() {
      return "Email[provider=" + provider + ", addresses=" + addresses + "]";
    }
  }

  /** The email providers Baton speaks to. */
  public enum EmailProvider {
    MAILGUN,
    SENDGRID
  }
}
