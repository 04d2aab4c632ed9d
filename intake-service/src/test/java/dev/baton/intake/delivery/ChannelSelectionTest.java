package dev.baton.intake.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.intake.channel.MailgunChannel;
import dev.baton.intake.channel.SendGridChannel;
import dev.baton.intake.channel.TwilioMessagingChannel;
import dev.baton.intake.channel.WhatsAppCloudChannel;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Customer;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.tenant.BusinessHours;
import dev.baton.tenant.Channels;
import dev.baton.tenant.EscalationRules;
import dev.baton.tenant.Templates;
import dev.baton.tenant.TenantConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The delivery engine takes the first channel that handles a message, and CDI lists the channels in
 * no defined order: so at most one may handle any message.
 */
class ChannelSelectionTest {
  private final WebhookChannel webhook = new WebhookChannel(Duration.ofSeconds(1));
  private final WhatsAppCloudChannel whatsApp =
      new WhatsAppCloudChannel(Duration.ofSeconds(1), null, null, Runnable::run, Clock.systemUTC());

  private static TenantConfig tenant(Channels channels) {
    return new TenantConfig("t", "T", ZoneId.of("UTC"), BusinessHours.ALWAYS, "secret", "http://127.0.0.1:1/callback",
        List.of(), Map.of(), EscalationRules.DEFAULTS, Templates.DEFAULTS, List.of(), null, null, null, null, channels);
  }

  private static OutboundMessage on(Channel channel) {
    return new OutboundMessage(SchemaVersions.CURRENT, "m", "t", "c", channel, new Customer("c1", null, "+15550100", null),
        Speaker.BOT, null, "hi", "x", "e", Instant.now());
  }

  private final TwilioVoiceChannel voice = new TwilioVoiceChannel(null);
  private final TwilioMessagingChannel twilioMessaging =
      new TwilioMessagingChannel(Duration.ofSeconds(1), Optional.empty(), null, null, Runnable::run, Clock.systemUTC());

  private final WebChatChannel webChat = new WebChatChannel(null, Runnable::run);

  private final MailgunChannel mailgun = new MailgunChannel(Duration.ofSeconds(1), null, null, Runnable::run);
  private final SendGridChannel sendGrid = new SendGridChannel(Duration.ofSeconds(1), null, null, Runnable::run);

  private static Channels.Email email(Channels.EmailProvider provider) {
    return new Channels.Email(provider, List.of("help@x.example"), "help@x.example", null, "key",
        "https://api.example", null, "x.example", null, null, null);
  }

  private List<OutboundChannel> handlers(TenantConfig tenant, OutboundMessage m) {
    return List.<OutboundChannel>of(webhook, whatsApp, voice, twilioMessaging, webChat, mailgun, sendGrid).stream()
        .filter(c -> c.handles(tenant, m)).toList();
  }

  private static Channels.Twilio twilioAccount(String whatsappNumber) {
    return new Channels.Twilio("AC1", "token", null, List.of("+15550100"), whatsappNumber,
        Channels.Twilio.DEFAULT_API_BASE_URL, Channels.Voice.defaults("t"));
  }

  private static final Channels.WhatsApp CLOUD_API = new Channels.WhatsApp("106540352242922", "s", "v", "token",
      Channels.WhatsApp.DEFAULT_API_BASE_URL, null);

  @Test
  void aTenantsWidgetTakesItsOwnConversationsAndTheCallbackTheTenantsOtherWebChats() {
    TenantConfig widget = tenant(new Channels(null, null, new dev.baton.tenant.WebChat("s".repeat(32),
        List.of("https://shop.example"), null, "hi", "bot", Duration.ofDays(1))));
    OutboundMessage own = new OutboundMessage(SchemaVersions.CURRENT, "m", "t", "webchat:Zx8Qm2ZVbq3c0pSx1rL7yA",
        Channel.WEBCHAT, Customer.anonymous("visitor-1"), Speaker.BOT, null, "hi", "x", "e", Instant.now());
    assertEquals(List.of(webChat), handlers(widget, own));
    for (Channel channel : Channel.values()) {
      assertEquals(List.of(webhook), handlers(widget, on(channel)), channel + " of a conversation not the widget's");
    }
    assertEquals(List.of(webhook), handlers(tenant(Channels.NONE), own), "a tenant without a widget");
  }

  @Test
  void aTenantsWhatsAppNumberTakesItsWhatsAppMessagesAndTheCallbackTheRest() {
    TenantConfig connected = tenant(new Channels(CLOUD_API));
    for (Channel channel : Channel.values()) {
      List<OutboundChannel> handlers = handlers(connected, on(channel));
      assertEquals(List.of(channel == Channel.WHATSAPP ? whatsApp : webhook), handlers, channel.toString());
    }
  }

  @Test
  void aTwilioAccountCarriesSmsCallsAndWhatsAppThroughItsSenderAndTheCallbackTheRest() {
    TenantConfig twilio = tenant(new Channels(null, twilioAccount("+15550101")));
    for (Channel channel : Channel.values()) {
      List<OutboundChannel> expected = switch (channel) {
        case VOICE -> List.of(voice);
        case SMS, WHATSAPP -> List.of(twilioMessaging);
        default -> List.of(webhook);
      };
      assertEquals(expected, handlers(twilio, on(channel)), channel.toString());
    }
  }

  @Test
  void withBothMetasCloudApiAndATwilioWhatsAppSenderMetaSendsTheWhatsAppMessages() {
    TenantConfig both = tenant(new Channels(CLOUD_API, twilioAccount("+15550101")));
    for (Channel channel : Channel.values()) {
      List<OutboundChannel> expected = switch (channel) {
        case WHATSAPP -> List.of(whatsApp);
        case VOICE -> List.of(voice);
        case SMS -> List.of(twilioMessaging);
        default -> List.of(webhook);
      };
      assertEquals(expected, handlers(both, on(channel)), channel.toString());
    }
  }

  @Test
  void aTwilioAccountWithoutAWhatsAppSenderLeavesWhatsAppToTheCallback() {
    TenantConfig smsOnly = tenant(new Channels(null, twilioAccount(null)));
    for (Channel channel : Channel.values()) {
      List<OutboundChannel> expected = switch (channel) {
        case VOICE -> List.of(voice);
        case SMS -> List.of(twilioMessaging);
        default -> List.of(webhook);
      };
      assertEquals(expected, handlers(smsOnly, on(channel)), channel.toString());
    }
  }

  @Test
  void withoutAWhatsAppNumberEveryMessageGoesToTheCallback() {
    TenantConfig plain = tenant(Channels.NONE);
    for (Channel channel : Channel.values()) {
      assertEquals(List.of(webhook), handlers(plain, on(channel)), channel.toString());
    }
  }

  @Test
  void aTenantsEmailProviderTakesItsEmailAndTheOtherChannelsStayWhereTheyWere() {
    for (Channels.EmailProvider provider : Channels.EmailProvider.values()) {
      TenantConfig t = tenant(new Channels(CLOUD_API, null, null, email(provider)));
      for (Channel channel : Channel.values()) {
        List<OutboundChannel> expected = switch (channel) {
          case EMAIL -> List.of(provider == Channels.EmailProvider.MAILGUN ? mailgun : sendGrid);
          case WHATSAPP -> List.of(whatsApp);
          default -> List.of(webhook);
        };
        assertEquals(expected, handlers(t, on(channel)), provider + " " + channel);
      }
    }
  }
}
