package dev.baton.routing.service;

import dev.baton.nlp.IntentClassifier;
import dev.baton.nlp.IntentModels;
import dev.baton.nlp.IntentScore;
import dev.baton.nlp.SlotExtractor;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.Intent;
import dev.baton.schemas.ProposedReply;
import dev.baton.tenant.FaqEntry;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adds intent, confidence, skill, extracted data and a proposed bot reply. Each tenant gets its
 * own classifier (the shared customer-service intents plus its FAQ intents), built once at start.
 * The reply is only proposed: the handoff service decides whether the bot may send it.
 */
@ApplicationScoped
@Startup
public class IntentRouter {
  private final TenantDirectory tenants;
  private final Map<String, IntentClassifier> classifiers = new HashMap<>();
  private final SlotExtractor slots = new SlotExtractor();

  public IntentRouter(TenantDirectory tenants) {
    this.tenants = tenants;
    for (TenantConfig tenant : tenants.all()) {
      Map<String, List<String>> examples = new LinkedHashMap<>();
      for (FaqEntry faq : tenant.faq()) {
        examples.computeIfAbsent(faq.intent(), k -> new java.util.ArrayList<>()).addAll(faq.examples());
      }
      classifiers.put(tenant.id(), IntentModels.forTenant(tenant.id(), examples));
    }
  }

  /** Empty when the tenant is unknown: the caller dead-letters the event. */
  public Optional<EnrichedEvent> route(EnrichedEvent in) {
    var event = in.event();
    TenantConfig tenant = tenants.find(event.tenantId()).orElse(null);
    if (tenant == null) {
      return Optional.empty();
    }
    if (!event.type().carriesCustomerText() || event.text() == null) {
      return Optional.of(in);
    }
    IntentClassifier classifier = classifiers.get(tenant.id());
    IntentScore score = classifier.classify(event.text());
    Intent intent =
        new Intent(score.label(), round(score.confidence()), tenant.skillFor(score.label()), classifier.modelName());
    ProposedReply reply =
        tenant.faq().stream()
            .filter(f -> f.intent().equals(score.label()))
            .findFirst()
            .map(f -> new ProposedReply(f.answer(), "faq:" + f.id()))
            .orElse(null);
    return Optional.of(in.withRouting(intent, slots.extract(event.text()), reply));
  }

  private static double round(double d) {
    return Math.round(d * 10_000) / 10_000.0;
  }
}
