package dev.baton.tenant;

import dev.baton.schemas.privacy.PrivacyPolicy;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tenant's configuration, as read from the tenants file. See {@code deploy/tenants.yaml} for a
 * documented example and {@link TenantDirectory} for how it is loaded and validated.
 *
 * @param id the tenant id used in every event
 * @param webhookSecret the shared secret that signs this tenant's webhooks, resolved from the
 *     environment variable named in the file ({@code webhookSecretEnv}); never logged
 * @param callbackUrl where outbound messages for the generic channel are POSTed
 * @param skills intent to agent skill (queue); {@code default} for the rest
 * @param agents the people who may sign in to the agent gateway for this tenant
 * @param previousWebhookSecret while the secret is being rotated, the one it replaces, resolved
 *     from {@code previousWebhookSecretEnv}; still accepted on incoming webhooks, never used to sign;
 *     null otherwise. Never logged.
 * @param privacy what the intake masks in message text besides card numbers (always masked)
 * @param workspace how agents work conversations in the gateway (routing mode, timers, codes)
 * @param languages the languages the bot answers in, default first (default: English only)
 * @param channels the provider channels the tenant has connected (WhatsApp Cloud API, ...)
 */
public record TenantConfig(
    String id,
    String name,
    ZoneId timezone,
    BusinessHours businessHours,
    String webhookSecret,
    String callbackUrl,
    List<FaqEntry> faq,
    Map<String, String> skills,
    EscalationRules escalation,
    Templates templates,
    List<Agent> agents,
    String previousWebhookSecret,
    PrivacyPolicy privacy,
    Workspace workspace,
    Languages languages,
    Channels channels) {

  public static final String DEFAULT_SKILL = "default";

  /** A tenant with no previous secret (not rotating) and the default privacy policy. */
  public TenantConfig(
      String id, String name, ZoneId timezone, BusinessHours businessHours, String webhookSecret,
      String callbackUrl, List<FaqEntry> faq, Map<String, String> skills, EscalationRules escalation,
      Templates templates, List<Agent> agents) {
    this(id, name, timezone, businessHours, webhookSecret, callbackUrl, faq, skills, escalation,
        templates, agents, null, PrivacyPolicy.DEFAULTS, Workspace.DEFAULTS);
  }

  /**
   * The secrets an incoming webhook may be signed with: the current one, then the previous one
   * while rotating. Empty when the tenant has no secret configured (its webhooks are refused).
   */
  public List<String> acceptedWebhookSecrets() {
    List<String> secrets = new ArrayList<>(2);
    if (webhookSecret != null) {
      secrets.add(webhookSecret);
    }
    if (previousWebhookSecret != null) {
      secrets.add(previousWebhookSecret);
    }
    return List.copyOf(secrets);
  }

  public TenantConfig {
    faq = List.copyOf(faq);
    skills = Map.copyOf(skills);
    agents = List.copyOf(agents);
    privacy = privacy == null ? PrivacyPolicy.DEFAULTS : privacy;
    workspace = workspace == null ? Workspace.DEFAULTS : workspace;
    languages = languages == null ? Languages.DEFAULTS : languages;
    channels = channels == null ? Channels.NONE : channels;
  }

  /** A tenant with no provider channel: everything goes through the generic webhook. */
  public TenantConfig(
      String id, String name, ZoneId timezone, BusinessHours businessHours, String webhookSecret,
      String callbackUrl, List<FaqEntry> faq, Map<String, String> skills, EscalationRules escalation,
      Templates templates, List<Agent> agents, String previousWebhookSecret, PrivacyPolicy privacy,
      Workspace workspace, Languages languages) {
    this(id, name, timezone, businessHours, webhookSecret, callbackUrl, faq, skills, escalation,
        templates, agents, previousWebhookSecret, privacy, workspace, languages, Channels.NONE);
  }

  /** A tenant that answers in English only. */
  public TenantConfig(
      String id, String name, ZoneId timezone, BusinessHours businessHours, String webhookSecret,
      String callbackUrl, List<FaqEntry> faq, Map<String, String> skills, EscalationRules escalation,
      Templates templates, List<Agent> agents, String previousWebhookSecret, PrivacyPolicy privacy,
      Workspace workspace) {
    this(id, name, timezone, businessHours, webhookSecret, callbackUrl, faq, skills, escalation,
        templates, agents, previousWebhookSecret, privacy, workspace, Languages.DEFAULTS);
  }

  /** What the bot says in {@code language}; the default language's templates for any other. */
  public Templates templatesIn(String language) {
    return languages.templatesIn(language, templates);
  }

  /** The agent with this id, if the tenant has one. */
  public java.util.Optional<Agent> agent(String agentId) {
    return agents.stream().filter(a -> a.id().equals(agentId)).findFirst();
  }

  /** A tenant, possibly rotating its secret, with the default privacy policy (cards only). */
  public TenantConfig(
      String id, String name, ZoneId timezone, BusinessHours businessHours, String webhookSecret,
      String callbackUrl, List<FaqEntry> faq, Map<String, String> skills,
      EscalationRules escalation, Templates templates, List<Agent> agents,
      String previousWebhookSecret) {
    this(id, name, timezone, businessHours, webhookSecret, callbackUrl, faq, skills, escalation,
        templates, agents, previousWebhookSecret, PrivacyPolicy.DEFAULTS, Workspace.DEFAULTS);
  }

  /** The FAQ entries' example questions by intent (what the tenant's intent model learns them from). */
  public Map<String, List<String>> faqExamples() {
    Map<String, List<String>> examples = new LinkedHashMap<>();
    for (FaqEntry entry : faq) {
      examples.computeIfAbsent(entry.intent(), k -> new ArrayList<>()).addAll(entry.examples());
    }
    return examples;
  }

  /** The agent skill for an intent, falling back to the tenant's default skill. */
  public String skillFor(String intent) {
    if (intent != null && skills.containsKey(intent)) {
      return skills.get(intent);
    }
    return skills.getOrDefault(DEFAULT_SKILL, "general");
  }

  @Override
  public String toString() {
    // The secret must never reach a log line.
    return "TenantConfig[id=" + id + ", name=" + name + "]";
  }
}
