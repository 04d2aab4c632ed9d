package dev.baton.intake.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

  private List<OutboundChannel> handlers(TenantConfig tenant, OutboundMessage m) {
    return List.<OutboundChannel>of(webhook, whatsApp, voice).stream().filter(c -> c.handles(tenant, m)).toList();
  }

  @Test
  void aTenantsWhatsAppNumberTakesItsWhatsAppMessagesAndTheCallbackTheRest() {
    TenantConfig connected = tenant(new Channels(new Channels.WhatsApp("106540352242922", "s", "v", "token",
        Channels.WhatsApp.DEFAULT_API_BASE_URL, null)));
    for (Channel channel : Channel.values()) {
      List<OutboundChannel> handlers = handlers(connected, on(channel));
      assertEquals(List.of(channel == Channel.WHATSAPP ? whatsApp : webhook), handlers, channel.toString());
    }
  }

  @Test
  void theCallbackLeavesAloneWhatATwilioAccountCarries() {
    TenantConfig twilio = tenant(new Channels(null, new Channels.Twilio("AC1", "token", null, List.of("+15550100"),
        "+15550101", Channels.Twilio.DEFAULT_API_BASE_URL, Channels.Voice.defaults("t"))));
    for (Channel channel : Channel.values()) {
      List<OutboundChannel> expected = switch (channel) {
        case VOICE -> List.of(voice);
        // No outbound Twilio messaging channel yet: those messages find no channel and are dead-lettered.
        case SMS, WHATSAPP -> List.of();
        default -> List.of(webhook);
      };
      assertEquals(expected, handlers(twilio, on(channel)), channel.toString());
    }
  }

  @Test
  void withoutAWhatsAppNumberEveryMessageGoesToTheCallback() {
    TenantConfig plain = tenant(Channels.NONE);
    for (Channel channel : Channel.values()) {
      assertEquals(List.of(webhook), handlers(plain, on(channel)), channel.toString());
    }
  }
}
