package dev.baton.schemas.topic;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which Baton service reads and writes which topic, and under which consumer groups: the one table
 * the Kafka ACLs are generated from ({@link StrimziManifests}). A service that starts reading or
 * writing a topic, or takes another group id, needs its row changed here, or the broker refuses it.
 *
 * <p>The group ids repeat the services' {@code application.properties} ({@code group.id}) and the
 * handoff service's Streams {@code application.id}; the Kubernetes manifests' test checks that they
 * agree.
 */
public final class TopicAccess {

  /**
   * One service's access.
   *
   * @param service the service, also the name of its Kafka user (a Strimzi {@code KafkaUser})
   * @param reads topics it consumes
   * @param writes topics it produces to (its dead-letter topics among them)
   * @param groups consumer group ids it joins
   * @param groupPrefixes prefixes of group ids it makes up at run time (one group per instance)
   * @param streamsApplicationId the Kafka Streams {@code application.id}, for a Streams app: its
   *     group, the prefix of its internal topics (changelogs, repartitions) and of its
   *     transactional ids
   */
  public record Service(
      String service,
      List<String> reads,
      List<String> writes,
      List<String> groups,
      List<String> groupPrefixes,
      Optional<String> streamsApplicationId) {
    public Service {
      Objects.requireNonNull(service, "service");
      reads = List.copyOf(reads);
      writes = List.copyOf(writes);
      groups = List.copyOf(groups);
      groupPrefixes = List.copyOf(groupPrefixes);
      Objects.requireNonNull(streamsApplicationId, "streamsApplicationId");
    }

    /** Every consumer group id it joins or prefixes, the Streams app's own included. */
    public List<String> allGroups() {
      return Stream.concat(groups.stream(), streamsApplicationId.stream()).toList();
    }
  }

  /** The group of the intake's outbound delivery consumer. */
  public static final String INTAKE_DELIVERY_GROUP = "intake-delivery";
  public static final String SENTIMENT_GROUP = "sentiment-service";
  public static final String ROUTING_GROUP = "routing-service";
  public static final String ROUTING_FEEDBACK_GROUP = "routing-feedback";
  /** The handoff topology's Kafka Streams {@code application.id}. */
  public static final String HANDOFF_APPLICATION_ID = "baton-handoff";
  public static final String GATEWAY_GROUP = "agent-gateway";
  /** Each gateway instance reads every action result in a group of its own, named from this. */
  public static final String GATEWAY_RESULTS_GROUP_PREFIX = "agent-gateway-results-";

  private static final List<Service> SERVICES = List.of(
      new Service("intake-service",
          names(Topics.OUTBOUND_MESSAGES),
          names(Topics.CONVERSATION_EVENTS, Topics.DELIVERY_STATUSES,
              Topics.deadLetterOf(Topics.CONVERSATION_EVENTS), Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES)),
          List.of(INTAKE_DELIVERY_GROUP), List.of(), Optional.empty()),
      new Service("sentiment-service",
          names(Topics.CONVERSATION_EVENTS),
          names(Topics.SENTIMENT_SCORED_EVENTS, Topics.deadLetterOf(Topics.CONVERSATION_EVENTS)),
          List.of(SENTIMENT_GROUP), List.of(), Optional.empty()),
      new Service("routing-service",
          names(Topics.SENTIMENT_SCORED_EVENTS, Topics.INTENT_FEEDBACK),
          names(Topics.ENRICHED_EVENTS, Topics.deadLetterOf(Topics.SENTIMENT_SCORED_EVENTS),
              Topics.deadLetterOf(Topics.INTENT_FEEDBACK)),
          List.of(ROUTING_GROUP, ROUTING_FEEDBACK_GROUP), List.of(), Optional.empty()),
      new Service("handoff-service",
          names(Topics.ENRICHED_EVENTS, Topics.AGENT_ACTIONS),
          names(Topics.OUTBOUND_MESSAGES, Topics.HANDOFFS, Topics.CONVERSATION_STATE, Topics.CONVERSATION_TURNS,
              Topics.AGENT_ACTION_RESULTS, Topics.deadLetterOf(Topics.CONVERSATION_STATE),
              Topics.deadLetterOf(Topics.ENRICHED_EVENTS), Topics.deadLetterOf(Topics.AGENT_ACTIONS)),
          List.of(), List.of(), Optional.of(HANDOFF_APPLICATION_ID)),
      new Service("agent-gateway",
          names(Topics.HANDOFFS, Topics.CONVERSATION_TURNS, Topics.AGENT_ACTION_RESULTS, Topics.DELIVERY_STATUSES),
          names(Topics.AGENT_ACTIONS, Topics.INTENT_FEEDBACK, Topics.deadLetterOf(Topics.HANDOFFS),
              Topics.deadLetterOf(Topics.CONVERSATION_TURNS), Topics.deadLetterOf(Topics.AGENT_ACTION_RESULTS),
              Topics.deadLetterOf(Topics.DELIVERY_STATUSES)),
          List.of(GATEWAY_GROUP), List.of(GATEWAY_RESULTS_GROUP_PREFIX), Optional.empty()));

  private TopicAccess() {}

  /** Every service's access, in pipeline order. */
  public static List<Service> services() {
    return SERVICES;
  }

  /** The access of {@code service}. */
  public static Service of(String service) {
    return SERVICES.stream().filter(s -> s.service().equals(service)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + service));
  }

  private static List<String> names(Topic<?, ?>... topics) {
    return Stream.of(topics).map(Topic::name).toList();
  }
}
