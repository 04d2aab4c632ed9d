package dev.baton.nlp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the intent classifier a tenant's messages go through. */
public final class IntentModels {
  private IntentModels() {}

  /**
   * The classifier for one tenant: the built-in customer-service intents plus the tenant's own
   * intents and their examples (FAQ entries, custom intents).
   */
  public static IntentClassifier forTenant(String tenantId, Map<String, List<String>> tenantExamples) {
    Map<String, List<String>> all = new LinkedHashMap<>(BuiltinIntents.EXAMPLES);
    all.putAll(tenantExamples);
    return new ExampleIntentClassifier("examples-1/" + tenantId, all);
  }
}
