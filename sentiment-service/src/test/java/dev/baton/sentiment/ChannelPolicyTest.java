package dev.baton.sentiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.ChannelPolicies;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/** Every channel dead-letters what escapes it, and every producer stops at the topics' record limit. */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class ChannelPolicyTest {
  @Inject
  Config config;

  @TestHTTPResource("/q/health/ready")
  URL ready;

  @Test
  void readyOnceEveryConsumerHasJoinedItsGroup() {
    ChannelPolicies.awaitConsumersReady(ready);
  }

  @Test
  void everyConsumerDeadLettersAndEveryProducerStopsAtTheTopicLimit() {
    assertEquals(List.of("conversation-events"), ChannelPolicies.channels(config, true));
    assertEquals(List.of("sentiment-scored-events"), ChannelPolicies.channels(config, false));
    assertEquals(List.of(), ChannelPolicies.violations(config));
  }

  /** Sees each Kafka client's final settings as the connector creates it. */
  @ApplicationScoped
  public static class Recorder implements ClientCustomizer<Map<String, Object>> {
    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> settings) {
      return ChannelPolicies.recordIfProducer(settings);
    }
  }
}
