package dev.baton.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StrimziManifestsTest {
  /** Surefire runs in the module's directory. */
  private static final Path COMMITTED = Path.of("..", "deploy", "k8s", "base", "kafka");

  @Test
  void committedTopicsAreTheGeneratedOnes() throws IOException {
    assertInSync(StrimziManifests.TOPICS_FILE, StrimziManifests.topicsYaml());
  }

  @Test
  void committedUsersAreTheGeneratedOnes() throws IOException {
    assertInSync(StrimziManifests.USERS_FILE, StrimziManifests.usersYaml());
  }

  @Test
  void everyRegistryTopicHasOneKafkaTopicWithTheRegistrysRecordLimit() {
    String yaml = StrimziManifests.topicsYaml();
    List<String> documents = List.of(yaml.split("(?m)^---\n"));
    Set<String> names = new HashSet<>();
    for (String doc : documents.subList(1, documents.size())) {
      String name = field(doc, "  topicName");
      assertTrue(names.add(name), "twice: " + name);
      assertEquals(String.valueOf(Topics.MAX_MESSAGE_BYTES), field(doc, "    max.message.bytes"), name);
      assertEquals("2", field(doc, "    min.insync.replicas"), name);
      assertEquals("3", field(doc, "  replicas"), name);
      boolean compact = doc.contains("cleanup.policy: \"compact\"");
      assertEquals(name.equals(Topics.CONVERSATION_STATE.name()), compact, name);
    }
    assertEquals(Topics.all().stream().map(Topic::name).collect(Collectors.toSet()), names);
    assertTrue(yaml.contains("  topicName: conversation-turns\n  partitions: 12\n  replicas: 3\n  config:\n"
        + "    max.message.bytes: 1048576\n    min.insync.replicas: 2\n    retention.ms: 7776000000\n"), yaml);
  }

  @Test
  void everyTopicInTheAccessTableIsInTheRegistryAndWrittenBySomeService() {
    Set<String> registry = Topics.all().stream().map(Topic::name).collect(Collectors.toSet());
    Set<String> written = new HashSet<>();
    for (TopicAccess.Service s : TopicAccess.services()) {
      assertTrue(registry.containsAll(s.reads()), s.service() + " reads " + s.reads());
      assertTrue(registry.containsAll(s.writes()), s.service() + " writes " + s.writes());
      written.addAll(s.writes());
    }
    for (TopicAccess.Service s : TopicAccess.services()) {
      assertTrue(written.containsAll(s.reads()), s.service() + " reads a topic nobody writes: " + s.reads());
    }
  }

  @Test
  void everyConsumerMayWriteTheDeadLetterTopicOfWhatItReads() {
    for (TopicAccess.Service s : TopicAccess.services()) {
      for (String read : s.reads()) {
        assertTrue(s.writes().contains(Topics.deadLetterName(read)), s.service() + " cannot dead-letter " + read);
      }
    }
  }

  @Test
  void theStreamsAppGetsItsInternalTopicsTransactionalIdsAndGroupOnly() {
    String yaml = StrimziManifests.usersYaml();
    String handoff = document(yaml, "handoff-service");
    assertTrue(handoff.contains("type: transactionalId\n          name: baton-handoff-\n          patternType: prefix\n"
        + "        operations: [Write, Describe]"), handoff);
    assertTrue(handoff.contains("type: topic\n          name: baton-handoff-\n          patternType: prefix\n"), handoff);
    assertTrue(handoff.contains("type: group\n          name: baton-handoff\n          patternType: literal\n"), handoff);
    // Nobody else gets prefixed topics, nor transactional ids.
    for (String other : List.of("intake-service", "sentiment-service", "routing-service", "agent-gateway")) {
      String doc = document(yaml, other);
      assertTrue(!doc.contains("transactionalId") && !doc.contains("type: topic\n          name: baton-handoff"), other);
    }
  }

  private static void assertInSync(String file, String generated) throws IOException {
    Path path = COMMITTED.resolve(file);
    String committed = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
    assertEquals(generated, committed, path.toAbsolutePath().normalize() + " is not what the registry makes;"
        + " regenerate it from the repository root with: " + StrimziManifests.REGENERATE);
  }

  private static String document(String yaml, String name) {
    for (String doc : yaml.split("(?m)^---\n")) {
      if (doc.contains("  name: " + name + "\n  labels:")) {
        return doc;
      }
    }
    throw new AssertionError("no resource " + name);
  }

  private static String field(String doc, String key) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + ": (.*)$").matcher(doc);
    assertTrue(m.find(), key + " missing in\n" + doc);
    return m.group(1);
  }
}
