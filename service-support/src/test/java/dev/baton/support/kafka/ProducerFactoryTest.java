package dev.baton.support.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.schemas.topic.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ProducerFactoryTest {
  /** What an operator sets (KAFKA_* variables): the connection's security, and an attempt at acks. */
  private static final KafkaSettings OPERATOR = new KafkaSettings(Map.of(
      "bootstrap.servers", "kafka-0.kafka:9093",
      "security.protocol", "SASL_SSL",
      "sasl.mechanism", "SCRAM-SHA-512",
      "acks", "1"));

  /** Kafka's own parsing of the settings, as the producer reads them (with the serializers it is given). */
  private static final ProducerConfig CONFIG = parsed();

  private static ProducerConfig parsed() {
    Map<String, Object> settings = new HashMap<>(ProducerFactory.config(OPERATOR, "test"));
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new ProducerConfig(settings);
  }

  @Test
  void aRecordIsRefusedByTheProducerExactlyWhereTheTopicsWouldRefuseIt() {
    assertEquals(Topics.MAX_MESSAGE_BYTES, CONFIG.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
  }

  @Test
  void theOperatorsConnectionSettingsReachTheProducer() {
    assertEquals(java.util.List.of("kafka-0.kafka:9093"), CONFIG.getList(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals("SASL_SSL", CONFIG.getString("security.protocol"));
    assertEquals("SCRAM-SHA-512", CONFIG.getString("sasl.mechanism"));
    assertEquals("test", CONFIG.getString(ProducerConfig.CLIENT_ID_CONFIG));
  }

  @Test
  void everyRecordIsConfirmedByAllReplicasOnceAndWithinBoundedTimes() {
    assertEquals("-1", CONFIG.getString(ProducerConfig.ACKS_CONFIG)); // "all"
    assertEquals(true, CONFIG.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
    assertEquals(ProducerFactory.MAX_BLOCK_MS, CONFIG.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG));
    assertEquals(10_000, CONFIG.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
  }
}
