package dev.baton.routing.service;

import dev.baton.nlp.IntentClassifier;
import dev.baton.nlp.IntentModels;
import dev.baton.nlp.IntentScore;
import dev.baton.nlp.LanguageDetector;
import dev.baton.nlp.ReloadableIntentClassifier;
import dev.baton.nlp.SlotExtractor;
import dev.baton.routing.config.RoutingConfig;
import dev.baton.schemas.DetectedLanguage;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.Intent;
import dev.baton.schemas.ProposedReply;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Adds intent, confidence, skill, extracted data, the message's language and a proposed bot reply
 * (the FAQ answer in the customer's language when the tenant has one). Each tenant gets its
 * own classifier (the shared customer-service intents plus its FAQ intents), built once at start
 * and rebuilt, off the message path, when a retrained model file appears. The reply is only
 * proposed: the handoff service decides whether the bot may send it.
 */
@ApplicationScoped
@Startup
public class IntentRouter {
  private static final Logger LOG = Logger.getLogger(IntentRouter.class);

  private final TenantDirectory tenants;
  private final Map<String, ReloadableIntentClassifier> classifiers = new HashMap<>();
  private final SlotExtractor slots = new SlotExtractor();
  /** Marks an intent classified without the encoder because the service was behind. */
  public static final String ENCODER_SKIPPED = ";encoder-skipped";
  private final Duration encoderMaxWait;
  private final AtomicLong skippedEncoder = new AtomicLong();
  // Loaded here, at start, so that the first message does not wait for the model.
  private final LanguageDetector languages = LanguageDetector.shared();
  private final ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "intent-model-reloader");
    t.setDaemon(true);
    return t;
  });

  public IntentRouter(TenantDirectory tenants, RoutingConfig config) {
    this.tenants = tenants;
    this.encoderMaxWait = config.encoderMaxWait();
    // Once a minute at most: how many messages were read without the encoder because the service was behind.
    reloader.scheduleAtFixedRate(() -> {
      long n = skippedEncoder.getAndSet(0);
      if (n > 0) {
        LOG.warnf("%d messages in the last minute waited over %s and were classified without the sentence encoder", n, encoderMaxWait);
      }
    }, 1, 1, TimeUnit.MINUTES);
    Optional<Path> modelFile = config.modelFile().map(Path::of);
    String encoder = config.intentEncoder();
    for (TenantConfig tenant : tenants.all()) {
      Map<String, List<String>> examples = tenant.faqExamples();
      classifiers.put(tenant.id(), modelFile
          .map(f -> ReloadableIntentClassifier.watching(f,
              m -> IntentModels.forTenant(tenant.id(), examples, IntentModels.withSemantic(m, encoder))))
          .orElseGet(() -> new ReloadableIntentClassifier(
              IntentModels.forTenant(tenant.id(), examples, IntentModels.defaultModel(encoder)))));
    }
    modelFile.ifPresent(f -> reloader.scheduleWithFixedDelay(this::reloadAll,
        config.modelCheckInterval().toMillis(), config.modelCheckInterval().toMillis(), TimeUnit.MILLISECONDS));
  }

  private void reloadAll() {
    classifiers.forEach((tenant, classifier) -> {
      try {
        if (classifier.reloadIfChanged()) {
          LOG.infof("tenant %s now uses intent model %s", tenant, classifier.modelName());
        }
      } catch (RuntimeException e) {
        LOG.errorf(e, "could not load the new intent model for tenant %s; keeping the current one", tenant);
      }
    });
  }

  void stop(@Observes ShutdownEvent ev) {
    reloader.shutdownNow();
  }

  /** Empty when the tenant is unknown: the caller dead-letters the event. */
  public Optional<EnrichedEvent> route(EnrichedEvent in) {
    return route(in, Duration.ZERO);
  }

  /**
   * As {@link #route(EnrichedEvent)}, for a message that waited {@code waited} in the topic: past
   * {@code routing.encoder-max-wait} it is classified without the sentence encoder.
   */
  public Optional<EnrichedEvent> route(EnrichedEvent in, Duration waited) {
    var event = in.event();
    TenantConfig tenant = tenants.find(event.tenantId()).orElse(null);
    if (tenant == null) {
      return Optional.empty();
    }
    if (!event.type().carriesCustomerText() || event.text() == null) {
      return Optional.of(in);
    }
    IntentClassifier classifier = classifiers.get(tenant.id());
    boolean behind = waited.compareTo(encoderMaxWait) > 0;
    IntentScore score = behind ? classifier.classifyWithoutEncoder(event.text()) : classifier.classify(event.text());
    if (behind) {
      skippedEncoder.incrementAndGet();
    }
    Intent intent = new Intent(score.label(), round(score.confidence()), tenant.skillFor(score.label()),
        behind ? classifier.modelName() + ENCODER_SKIPPED : classifier.modelName());
    DetectedLanguage language = languages.detect(event.text());
    // Unknown (a short reply): the default language's answer; the handoff service, which knows the
    // conversation's language, picks the entry's answer in it again.
    String answerLanguage = language.known() ? language.code() : null;
    ProposedReply reply =
        tenant.faq().stream()
            .filter(f -> f.intent().equals(score.label()))
            .findFirst()
            .map(f -> new ProposedReply(f.answerIn(answerLanguage), "faq:" + f.id()))
            .orElse(null);
    return Optional.of(in.withRouting(intent, slots.extract(event.text()), reply).withLanguage(language));
  }

  private static double round(double d) {
    return Math.round(d * 10_000) / 10_000.0;
  }
}
