package dev.baton.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.schemas.privacy.PrivacyPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The tenants known to a service, read from one YAML file shared by all services (format: {@code
 * deploy/tenants.yaml}). Loading validates everything and reports every problem with its path
 * ({@code tenants[1].escalation.confidenceThreshold: must be in [0, 1], was 1.5}); a service
 * refuses to start on an invalid file rather than run with rules nobody intended.
 *
 * <p>Secrets never live in the file: it names the environment variables that hold them. An agent's
 * token is kept only as its SHA-256 ({@link AgentTokens}); a token that cannot be used (too short,
 * a malformed hash, its variable unset) does not stop loading, since only that agent is affected,
 * but is listed in {@link #warnings()}.
 */
public final class TenantDirectory {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2}");
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");
  /** A plain address as a tenant configures it (lower-cased first); customers' are parsed by the intake. */
  private static final Pattern EMAIL = Pattern.compile("[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
  private static final Set<String> TEMPLATE_FIELDS = Set.of("assistantIntro", "handoffNotice", "afterHoursNotice",
      "clarifyingQuestion", "fallback", "missedCallAck", "agentJoined", "queueNotice", "queueNoticeNoEstimate",
      "callbackOffer", "callbackConfirmed", "languageNotSupported");

  private final String version;
  private final Map<String, TenantConfig> tenants;
  private final List<String> warnings;

  private TenantDirectory(String version, Map<String, TenantConfig> tenants, List<String> warnings) {
    this.version = version;
    this.tenants = Map.copyOf(tenants);
    this.warnings = List.copyOf(warnings);
  }

  public static TenantDirectory load(Path file) {
    return load(file, System::getenv);
  }

  public static TenantDirectory load(Path file, Function<String, String> env) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString(), env);
    } catch (IOException e) {
      throw new TenantConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
    }
  }

  public static TenantDirectory parse(InputStream in, String source, Function<String, String> env) {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (IOException e) {
      throw new TenantConfigException(source, List.of("not valid YAML: " + firstLine(e)));
    }
    return new Reader(source, env).read(root);
  }

  public static TenantDirectory of(String version, Collection<TenantConfig> tenants) {
    Map<String, TenantConfig> byId = new LinkedHashMap<>();
    tenants.forEach(t -> byId.put(t.id(), t));
    return new TenantDirectory(version, byId, List.of());
  }

  /** Version of the rule set, recorded in every decision audit. */
  public String version() {
    return version;
  }

  public Optional<TenantConfig> find(String tenantId) {
    return Optional.ofNullable(tenantId == null ? null : tenants.get(tenantId));
  }

  public Collection<TenantConfig> all() {
    return tenants.values();
  }

  /**
   * What was read but cannot be used, with its path, e.g. {@code tenants[0].agents[1]: agent alice
   * of tenant acme cannot sign in with a token: BATON_AGENT_TOKEN_ALICE is shorter than 32
   * characters}. Never a secret's value.
   */
  public List<String> warnings() {
    return warnings;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Walks the YAML tree, collecting problems instead of stopping at the first. */
  private static final class Reader {
    private final String source;
    private final Function<String, String> env;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    Reader(String source, Function<String, String> env) {
      this.source = source;
      this.env = env;
    }

    TenantDirectory read(JsonNode root) {
      if (root == null || !root.isObject()) {
        throw new TenantConfigException(source, List.of("(root): must be a mapping with 'tenants'"));
      }
      unknownFields(root, "", Set.of("version", "tenants"));
      String version = root.path("version").asText("1");
      JsonNode list = root.get("tenants");
      Map<String, TenantConfig> tenants = new LinkedHashMap<>();
      Map<String, String> whatsAppNumbers = new LinkedHashMap<>();
      Map<String, String> twilioNumbers = new LinkedHashMap<>();
      Map<String, String> emailAddresses = new LinkedHashMap<>();
      if (list == null || !list.isArray() || list.isEmpty()) {
        problems.add("tenants: must be a non-empty list");
      } else {
        for (int i = 0; i < list.size(); i++) {
          TenantConfig t = tenant(list.get(i), "tenants[" + i + "]");
          if (t != null && tenants.putIfAbsent(t.id(), t) != null) {
            problems.add("tenants[" + i + "].id: duplicate tenant id '" + t.id() + "'");
          }
          // One business number belongs to one tenant: its webhooks and its sends must not mix.
          if (t != null && t.channels().twilio() != null) {
            List<String> mine = new ArrayList<>(t.channels().twilio().numbers());
            if (t.channels().twilio().whatsappNumber() != null) {
              mine.add("whatsapp:" + t.channels().twilio().whatsappNumber());
            }
            for (String number : mine) {
              String owner = twilioNumbers.putIfAbsent(number, t.id());
              if (owner != null && !owner.equals(t.id())) {
                problems.add("tenants[" + i + "].channels.twilio: " + number + " is already a number of tenant " + owner);
              }
            }
          }
          // One inbound address belongs to one tenant: an email to it opens that tenant's conversation.
          if (t != null && t.channels().email() != null) {
            for (String address : t.channels().email().addresses()) {
              String owner = emailAddresses.putIfAbsent(address, t.id());
              if (owner != null && !owner.equals(t.id())) {
                problems.add("tenants[" + i + "].channels.email.addresses: " + address
                    + " is already an address of tenant " + owner);
              }
            }
          }
          if (t != null && t.channels().whatsapp() != null) {
            String number = t.channels().whatsapp().phoneNumberId();
            String owner = whatsAppNumbers.putIfAbsent(number, t.id());
            if (owner != null && !owner.equals(t.id())) {
              problems.add("tenants[" + i + "].channels.whatsapp.phoneNumberId: " + number
                  + " is already the number of tenant " + owner);
            }
          }
        }
      }
      if (!problems.isEmpty()) {
        throw new TenantConfigException(source, problems);
      }
      return new TenantDirectory(version, tenants, warnings);
    }

    private TenantConfig tenant(JsonNode n, String path) {
      if (!n.isObject()) {
        problems.add(path + ": must be a mapping");
        return null;
      }
      unknownFields(n, path, Set.of("id", "name", "timezone", "businessHours", "webhookSecretEnv",
          "previousWebhookSecretEnv", "callbackUrl", "faq", "skills", "escalation", "templates", "agents",
          "privacy", "workspace", "languages", "channels"));
      String id = text(n, path, "id", null);
      if (id != null && !TENANT_ID.matcher(id).matches()) {
        problems.add(path + ".id: must be lower-case letters, digits and '-', was '" + id + "'");
      }
      String name = text(n, path, "name", id);
      ZoneId zone = zone(n, path);
      BusinessHours hours = businessHours(n.get("businessHours"), path + ".businessHours");
      String secretEnv = text(n, path, "webhookSecretEnv", null);
      String secret = secretEnv == null ? null : env.apply(secretEnv);
      // Optional: set while rotating the secret, so that senders can switch over at their pace.
      String previousEnv =
          n.hasNonNull("previousWebhookSecretEnv") ? text(n, path, "previousWebhookSecretEnv", "") : null;
      String previous = previousEnv == null || previousEnv.isEmpty() ? null : env.apply(previousEnv);
      String callbackUrl = n.hasNonNull("callbackUrl") ? n.get("callbackUrl").asText() : null;
      if (callbackUrl != null && !callbackUrl.matches("https?://\\S+")) {
        problems.add(path + ".callbackUrl: must be an http(s) URL, was '" + callbackUrl + "'");
      }
      List<String> languages = languages(n.get("languages"), path + ".languages");
      List<FaqEntry> faq = faq(n.get("faq"), path + ".faq", languages);
      Map<String, String> skills = stringMap(n.get("skills"), path + ".skills");
      EscalationRules rules = escalation(n.get("escalation"), path + ".escalation");
      Templates templates = templates(n.get("templates"), path + ".templates");
      Map<String, Templates> translated = translations(n.get("templates"), path + ".templates", templates, languages);
      List<Agent> agents = agents(n.get("agents"), path + ".agents", id);
      PrivacyPolicy privacy = privacy(n.get("privacy"), path + ".privacy");
      Workspace workspace = workspace(n.get("workspace"), path + ".workspace");
      Channels channels = channels(n.get("channels"), path + ".channels", id);
      if (id == null) {
        return null;
      }
      return new TenantConfig(id, name, zone, hours, secret, callbackUrl, faq, skills, rules,
          templates, agents, previous, privacy, workspace, new Languages(languages, translated), channels);
    }

    /** ISO 639-1 codes, the default first; English alone when not given. */
    private List<String> languages(JsonNode n, String path) {
      if (n == null || n.isNull()) {
        return Languages.DEFAULTS.codes();
      }
      List<String> codes = new ArrayList<>();
      for (String code : strings(n, path)) {
        if (!LANGUAGE.matcher(code).matches()) {
          problems.add(path + ": '" + code + "' is not a two-letter ISO 639-1 code (en, de, fr, ...)");
        } else if (codes.contains(code)) {
          problems.add(path + ": '" + code + "' is listed twice");
        } else {
          codes.add(code);
        }
      }
      if (codes.isEmpty()) {
        problems.add(path + ": must list at least one language (the first is the default)");
        return Languages.DEFAULTS.codes();
      }
      return codes;
    }

    /**
     * A text given for one of the tenant's other languages: {@code code} must be one of them (the
     * default language's text is {@code answer} or the template itself).
     */
    private boolean otherLanguage(String code, String path, List<String> languages) {
      if (code.equals(languages.get(0))) {
        problems.add(path + ": '" + code + "' is the default language; its text goes in the field itself");
        return false;
      }
      if (!languages.contains(code)) {
        problems.add(path + ": '" + code + "' is not one of the tenant's languages " + languages);
        return false;
      }
      return true;
    }

    private ZoneId zone(JsonNode n, String path) {
      String tz = text(n, path, "timezone", "UTC");
      try {
        return ZoneId.of(tz);
      } catch (DateTimeException e) {
        problems.add(path + ".timezone: unknown time zone '" + tz + "'");
        return ZoneId.of("UTC");
      }
    }

    private BusinessHours businessHours(JsonNode n, String path) {
      if (n == null || n.isNull()) {
        return BusinessHours.ALWAYS;
      }
      unknownFields(n, path, Set.of("days", "open", "close"));
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (String d : strings(n.get("days"), path + ".days")) {
        DayOfWeek day = dayOf(d);
        if (day == null) {
          problems.add(path + ".days: unknown day '" + d + "' (use MON..SUN)");
        } else {
          days.add(day);
        }
      }
      LocalTime open = time(n, path, "open", LocalTime.MIN);
      LocalTime close = time(n, path, "close", LocalTime.MAX);
      if (!open.isBefore(close)) {
        problems.add(path + ": open (" + open + ") must be before close (" + close + ")");
      }
      if (days.isEmpty()) {
        problems.add(path + ".days: must name at least one day");
        days = EnumSet.allOf(DayOfWeek.class);
      }
      return new BusinessHours(days, open, close);
    }

    private static DayOfWeek dayOf(String d) {
      for (DayOfWeek day : DayOfWeek.values()) {
        if (day.name().startsWith(d.toUpperCase()) && d.length() >= 3) {
          return day;
        }
      }
      return null;
    }

    private LocalTime time(JsonNode n, String path, String field, LocalTime fallback) {
      if (!n.hasNonNull(field)) {
        return fallback;
      }
      String value = n.get(field).asText();
      if (value.equals("24:00")) {
        return LocalTime.MAX;
      }
      try {
        return LocalTime.parse(value);
      } catch (DateTimeParseException e) {
        problems.add(path + "." + field + ": must be HH:MM, was '" + value + "'");
        return fallback;
      }
    }

    private List<FaqEntry> faq(JsonNode n, String path, List<String> languages) {
      List<FaqEntry> entries = new ArrayList<>();
      if (n == null || n.isNull()) {
        return entries;
      }
      if (!n.isArray()) {
        problems.add(path + ": must be a list");
        return entries;
      }
      Set<String> ids = new LinkedHashSet<>();
      for (int i = 0; i < n.size(); i++) {
        JsonNode e = n.get(i);
        String p = path + "[" + i + "]";
        unknownFields(e, p, Set.of("id", "intent", "examples", "answer", "answers", "choices"));
        String id = text(e, p, "id", null);
        String intent = text(e, p, "intent", id);
        String answer = text(e, p, "answer", null);
        List<String> examples = strings(e.get("examples"), p + ".examples");
        if (examples.isEmpty()) {
          problems.add(p + ".examples: must list at least one way customers ask it");
        }
        if (id != null && !ids.add(id)) {
          problems.add(p + ".id: duplicate FAQ id '" + id + "'");
        }
        Map<String, String> answers = new LinkedHashMap<>();
        stringMap(e.get("answers"), p + ".answers").forEach((code, text) -> {
          if (otherLanguage(code, p + ".answers." + code, languages)) {
            answers.put(code, text);
          }
        });
        for (String code : languages.subList(1, languages.size())) {
          if (!answers.containsKey(code)) {
            warnings.add(p + ".answers: no '" + code + "' answer; customers writing " + code + " get the "
                + languages.get(0) + " one");
          }
        }
        List<FaqEntry.FaqChoice> choices = faqChoices(e.get("choices"), p + ".choices", languages);
        if (id != null && answer != null) {
          entries.add(new FaqEntry(id, intent, examples, answer, answers, choices));
        }
      }
      return entries;
    }

    /** The taps offered with an answer: ids unique, titles short enough for a WhatsApp reply button. */
    private List<FaqEntry.FaqChoice> faqChoices(JsonNode n, String path, List<String> languages) {
      List<FaqEntry.FaqChoice> choices = new ArrayList<>();
      if (n == null || n.isNull()) {
        return choices;
      }
      if (!n.isArray()) {
        problems.add(path + ": must be a list of {id, title, titles}");
        return choices;
      }
      if (n.size() > FaqEntry.MAX_CHOICES) {
        problems.add(path + ": at most " + FaqEntry.MAX_CHOICES + " choices (WhatsApp shows at most three reply buttons)");
      }
      Set<String> ids = new LinkedHashSet<>();
      for (int i = 0; i < n.size(); i++) {
        JsonNode c = n.get(i);
        String p = path + "[" + i + "]";
        if (!c.isObject()) {
          problems.add(p + ": must be {id, title, titles}");
          continue;
        }
        unknownFields(c, p, Set.of("id", "title", "titles"));
        String id = text(c, p, "id", null);
        String title = text(c, p, "title", null);
        if (id != null && (id.length() > 256 || !ids.add(id))) {
          problems.add(p + ".id: " + (id.length() > 256 ? "at most 256 characters" : "duplicate choice id '" + id + "'"));
        }
        Map<String, String> titles = new LinkedHashMap<>();
        stringMap(c.get("titles"), p + ".titles").forEach((code, text) -> {
          if (otherLanguage(code, p + ".titles." + code, languages)) {
            titles.put(code, text);
          }
        });
        checkChoiceTitle(title, p + ".title");
        titles.forEach((code, text) -> checkChoiceTitle(text, p + ".titles." + code));
        if (id != null && title != null) {
          choices.add(new FaqEntry.FaqChoice(id, title, titles));
        }
      }
      return choices;
    }

    private void checkChoiceTitle(String title, String path) {
      if (title != null && (title.isBlank() || title.codePointCount(0, title.length()) > FaqEntry.MAX_CHOICE_TITLE)) {
        problems.add(path + ": 1 to " + FaqEntry.MAX_CHOICE_TITLE + " characters (a WhatsApp reply button's limit)");
      }
    }

    private EscalationRules escalation(JsonNode n, String path) {
      EscalationRules d = EscalationRules.DEFAULTS;
      if (n == null || n.isNull()) {
        return d;
      }
      unknownFields(n, path, Set.of("explicitRequestPhrases", "keywords", "explicitRequestIntents",
          "sensitiveIntents", "sentimentThreshold", "angerThreshold", "trendWindow", "trendDrop",
          "confidenceThreshold", "lowConfidenceStrikes", "maxUnanswered", "silenceTimeout",
          "stateRetention", "complaintThreshold"));
      return new EscalationRules(
          n.has("explicitRequestPhrases")
              ? strings(n.get("explicitRequestPhrases"), path + ".explicitRequestPhrases")
              : d.explicitRequestPhrases(),
          n.has("keywords") ? strings(n.get("keywords"), path + ".keywords") : d.keywords(),
          n.has("explicitRequestIntents")
              ? Set.copyOf(strings(n.get("explicitRequestIntents"), path + ".explicitRequestIntents"))
              : d.explicitRequestIntents(),
          n.has("sensitiveIntents")
              ? Set.copyOf(strings(n.get("sensitiveIntents"), path + ".sensitiveIntents"))
              : d.sensitiveIntents(),
          number(n, path, "sentimentThreshold", d.sentimentThreshold(), -1, 1),
          number(n, path, "angerThreshold", d.angerThreshold(), 0, 1),
          (int) number(n, path, "trendWindow", d.trendWindow(), 2, 20),
          number(n, path, "trendDrop", d.trendDrop(), 0, 2),
          number(n, path, "confidenceThreshold", d.confidenceThreshold(), 0, 1),
          (int) number(n, path, "lowConfidenceStrikes", d.lowConfidenceStrikes(), 1, 10),
          (int) number(n, path, "maxUnanswered", d.maxUnanswered(), 1, 20),
          duration(n, path, "silenceTimeout", d.silenceTimeout()),
          duration(n, path, "stateRetention", d.stateRetention()),
          number(n, path, "complaintThreshold", d.complaintThreshold(), 0, 1));
    }

    private Templates templates(JsonNode n, String path) {
      Templates d = Templates.DEFAULTS;
      if (n == null || n.isNull()) {
        return d;
      }
      Set<String> known = new LinkedHashSet<>(TEMPLATE_FIELDS);
      known.add("translations");
      unknownFields(n, path, known);
      return templates(n, path, d);
    }

    /** The templates given in {@code n}, each falling back to {@code d}'s. */
    private Templates templates(JsonNode n, String path, Templates d) {
      return new Templates(
          text(n, path, "assistantIntro", d.assistantIntro()),
          text(n, path, "handoffNotice", d.handoffNotice()),
          text(n, path, "afterHoursNotice", d.afterHoursNotice()),
          text(n, path, "clarifyingQuestion", d.clarifyingQuestion()),
          text(n, path, "fallback", d.fallback()),
          text(n, path, "missedCallAck", d.missedCallAck()),
          text(n, path, "agentJoined", d.agentJoined()),
          text(n, path, "queueNotice", d.queueNotice()),
          text(n, path, "queueNoticeNoEstimate", d.queueNoticeNoEstimate()),
          text(n, path, "callbackOffer", d.callbackOffer()),
          text(n, path, "callbackConfirmed", d.callbackConfirmed()),
          text(n, path, "languageNotSupported", d.languageNotSupported()));
    }

    /**
     * {@code templates.translations.<code>}: the templates of each other language; what is not
     * translated is said in the default language ({@code base}).
     */
    private Map<String, Templates> translations(JsonNode templates, String path, Templates base,
        List<String> languages) {
      Map<String, Templates> out = new LinkedHashMap<>();
      JsonNode n = templates == null ? null : templates.get("translations");
      if (n == null || n.isNull()) {
        return out;
      }
      if (!n.isObject()) {
        problems.add(path + ".translations: must be a mapping of language code to templates");
        return out;
      }
      n.fields().forEachRemaining(e -> {
        String p = path + ".translations." + e.getKey();
        if (!otherLanguage(e.getKey(), p, languages)) {
          return;
        }
        if (!e.getValue().isObject()) {
          problems.add(p + ": must be a mapping of template name to text");
          return;
        }
        unknownFields(e.getValue(), p, TEMPLATE_FIELDS);
        out.put(e.getKey(), templates(e.getValue(), p, base));
      });
      return out;
    }

    private List<Agent> agents(JsonNode n, String path, String tenantId) {
      List<Agent> agents = new ArrayList<>();
      if (n == null || n.isNull()) {
        return agents;
      }
      if (!n.isArray()) {
        problems.add(path + ": must be a list");
        return agents;
      }
      for (int i = 0; i < n.size(); i++) {
        JsonNode a = n.get(i);
        String p = path + "[" + i + "]";
        unknownFields(a, p, Set.of("id", "name", "tokenEnv", "role", "skills", "capacity"));
        String id = text(a, p, "id", null);
        // Optional: an agent who signs in only with an identity provider's JWT has none.
        String tokenEnv = a.has("tokenEnv") ? text(a, p, "tokenEnv", "") : null;
        String role = text(a, p, "role", Agent.AGENT);
        if (!role.equals(Agent.AGENT) && !role.equals(Agent.SUPERVISOR)) {
          problems.add(p + ".role: must be " + Agent.AGENT + " or " + Agent.SUPERVISOR + ", was '" + role + "'");
          role = Agent.AGENT;
        }
        if (AgentIds.SYSTEM.equals(id)) {
          problems.add(p + ".id: '" + id + "' is reserved for what Baton does by itself");
        } else if (id != null && !AgentIds.PATTERN.matcher(id).matches()) {
          problems.add(p + ".id: must be letters, digits, '.', '_' or '-' (at most 64), was '" + id + "'");
        }
        List<String> skills = strings(a.get("skills"), p + ".skills");
        int capacity = (int) number(a, p, "capacity", Agent.DEFAULT_CAPACITY, 1, 50);
        String tokenHash = null;
        if (tokenEnv != null && !tokenEnv.isEmpty()) {
          AgentTokens.Read token = AgentTokens.read(tokenEnv, env.apply(tokenEnv));
          tokenHash = token.hash();
          if (token.problem() != null) {
            warnings.add(p + ": agent " + id + " of tenant " + tenantId + " cannot sign in with a token: " + token.problem());
          }
        }
        if (id != null) {
          agents.add(new Agent(id, text(a, p, "name", id), tokenHash, role, skills, capacity));
        }
      }
      return agents;
    }

    private Workspace workspace(JsonNode n, String path) {
      Workspace d = Workspace.DEFAULTS;
      if (n == null || n.isNull()) {
        return d;
      }
      unknownFields(n, path, Set.of("routingMode", "offerTimeout", "reassignAfterNoReply", "queueNoticeAfter",
          "resolutionCodes", "cannedReplies"));
      String mode = text(n, path, "routingMode", d.routingMode());
      if (!mode.equals(Workspace.PULL) && !mode.equals(Workspace.OFFER)) {
        problems.add(path + ".routingMode: must be " + Workspace.PULL + " or " + Workspace.OFFER + ", was '" + mode + "'");
        mode = d.routingMode();
      }
      List<String> codes = n.has("resolutionCodes") ? strings(n.get("resolutionCodes"), path + ".resolutionCodes")
          : d.resolutionCodes();
      if (codes.isEmpty()) {
        problems.add(path + ".resolutionCodes: must name at least one code");
        codes = d.resolutionCodes();
      }
      for (int i = 0; i < codes.size(); i++) {
        if (!codes.get(i).matches("[a-z0-9][a-z0-9_-]{0,39}")) {
          problems.add(path + ".resolutionCodes[" + i + "]: must be lower-case letters, digits, '-' or '_', was '"
              + codes.get(i) + "'");
        }
      }
      List<Workspace.CannedReply> canned = new ArrayList<>();
      JsonNode c = n.get("cannedReplies");
      if (c != null && !c.isNull()) {
        if (!c.isArray()) {
          problems.add(path + ".cannedReplies: must be a list");
        } else {
          for (int i = 0; i < c.size(); i++) {
            String p = path + ".cannedReplies[" + i + "]";
            unknownFields(c.get(i), p, Set.of("title", "text"));
            canned.add(new Workspace.CannedReply(text(c.get(i), p, "title", null), text(c.get(i), p, "text", null)));
          }
        }
      }
      return new Workspace(mode, duration(n, path, "offerTimeout", d.offerTimeout()),
          duration(n, path, "reassignAfterNoReply", d.reassignAfterNoReply()),
          duration(n, path, "queueNoticeAfter", d.queueNoticeAfter()), codes, canned);
    }

    /** The provider channels; each secret is named by the environment variable holding it. */
    private Channels channels(JsonNode n, String path, String tenantId) {
      if (n == null || n.isNull()) {
        return Channels.NONE;
      }
      if (!n.isObject()) {
        problems.add(path + ": must be a mapping");
        return Channels.NONE;
      }
      unknownFields(n, path, Set.of("whatsapp", "twilio", "webchat", "email"));
      return new Channels(whatsApp(n.get("whatsapp"), path + ".whatsapp", tenantId),
          twilio(n.get("twilio"), path + ".twilio", tenantId),
          webChat(n.get("webchat"), path + ".webchat", tenantId),
          email(n.get("email"), path + ".email", tenantId));
    }

    /**
     * The tenant's email: {@code provider} ({@code mailgun} or {@code sendgrid}) with its own section
     * and not the other's; inbound addresses and the from address lower-cased.
     */
    private Channels.Email email(JsonNode n, String path, String tenantId) {
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isObject()) {
        problems.add(path + ": must be a mapping");
        return null;
      }
      unknownFields(n, path, Set.of("provider", "addresses", "fromAddress", "fromName", "mailgun", "sendgrid"));
      String name = text(n, path, "provider", null);
      Channels.EmailProvider provider = null;
      if ("mailgun".equals(name)) {
        provider = Channels.EmailProvider.MAILGUN;
      } else if ("sendgrid".equals(name)) {
        provider = Channels.EmailProvider.SENDGRID;
      } else if (name != null) {
        problems.add(path + ".provider: must be mailgun or sendgrid, was '" + name + "'");
      }
      List<String> addresses = new ArrayList<>();
      List<String> given = strings(n.get("addresses"), path + ".addresses");
      if (given.isEmpty()) {
        problems.add(path + ".addresses: must list at least one inbound address of the tenant");
      }
      for (int i = 0; i < given.size(); i++) {
        String a = given.get(i).strip().toLowerCase(java.util.Locale.ROOT);
        if (!EMAIL.matcher(a).matches()) {
          problems.add(path + ".addresses[" + i + "]: must be an email address, was '" + given.get(i) + "'");
        } else if (addresses.contains(a)) {
          problems.add(path + ".addresses[" + i + "]: " + a + " is listed twice");
        } else {
          addresses.add(a);
        }
      }
      String from = text(n, path, "fromAddress", null);
      if (from != null) {
        from = from.strip().toLowerCase(java.util.Locale.ROOT);
        if (!EMAIL.matcher(from).matches()) {
          problems.add(path + ".fromAddress: must be an email address, was '" + from + "'");
        }
      }
      String fromName = n.hasNonNull("fromName") ? text(n, path, "fromName", null) : null;
      if (fromName != null && (fromName.length() > 128 || fromName.chars().anyMatch(c -> c < 0x20 || c == 0x7F))) {
        problems.add(path + ".fromName: must be one line of at most 128 characters");
      }
      String mailgunPath = path + ".mailgun";
      String sendgridPath = path + ".sendgrid";
      if (provider == Channels.EmailProvider.MAILGUN && n.has("sendgrid")) {
        problems.add(sendgridPath + ": the provider is mailgun; remove this section or change the provider");
      }
      if (provider == Channels.EmailProvider.SENDGRID && n.has("mailgun")) {
        problems.add(mailgunPath + ": the provider is sendgrid; remove this section or change the provider");
      }
      if (provider == null) {
        return null;
      }
      JsonNode p = n.get(provider == Channels.EmailProvider.MAILGUN ? "mailgun" : "sendgrid");
      String pPath = provider == Channels.EmailProvider.MAILGUN ? mailgunPath : sendgridPath;
      if (p == null || !p.isObject()) {
        problems.add(pPath + ": is required (a mapping) for provider " + name);
        return null;
      }
      if (provider == Channels.EmailProvider.MAILGUN) {
        unknownFields(p, pPath, Set.of("signingKeyEnv", "apiKeyEnv", "domain", "apiBaseUrl"));
        String domain = text(p, pPath, "domain", null);
        if (domain != null && !domain.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+")) {
          problems.add(pPath + ".domain: must be a domain name such as mg.example.com, was '" + domain + "'");
        }
        return new Channels.Email(provider, addresses, from, fromName, secret(p, pPath, "apiKeyEnv", tenantId),
            apiBaseUrl(p, pPath, Channels.Email.MAILGUN_API_BASE_URL), secret(p, pPath, "signingKeyEnv", tenantId),
            domain == null ? null : domain.toLowerCase(java.util.Locale.ROOT), null, null, null);
      }
      unknownFields(p, pPath, Set.of("apiKeyEnv", "inboundTokenEnv", "basicAuthUserEnv", "basicAuthPasswordEnv",
          "apiBaseUrl"));
      boolean token = p.hasNonNull("inboundTokenEnv");
      boolean user = p.hasNonNull("basicAuthUserEnv");
      boolean password = p.hasNonNull("basicAuthPasswordEnv");
      // SendGrid signs nothing: an Inbound Parse URL without a secret would take anyone's email.
      if (!token && !user && !password) {
        problems.add(pPath + ": set inboundTokenEnv (a secret path segment) and/or basicAuthUserEnv with"
            + " basicAuthPasswordEnv, since SendGrid does not sign its Inbound Parse posts");
      }
      if (user != password) {
        problems.add(pPath + ": basicAuthUserEnv and basicAuthPasswordEnv go together");
      }
      String inboundToken = token ? secret(p, pPath, "inboundTokenEnv", tenantId) : null;
      if (inboundToken != null && !inboundToken.matches("[A-Za-z0-9_-]{24,128}")) {
        warnings.add(pPath + ".inboundTokenEnv: the token must be 24-128 letters, digits, '_' or '-'; tenant "
            + tenantId + " cannot receive email until it is");
        inboundToken = null;
      }
      String basicUser = user ? secret(p, pPath, "basicAuthUserEnv", tenantId) : null;
      String basicPassword = password ? secret(p, pPath, "basicAuthPasswordEnv", tenantId) : null;
      // A configured credential that did not resolve must not leave the others to guard the URL alone
      // (the path token without the basic auth meant for it): the tenant then takes no email.
      if ((token && inboundToken == null) || (user && basicUser == null) || (password && basicPassword == null)) {
        warnings.add(pPath + ": a configured Inbound Parse credential is not set; tenant " + tenantId
            + " takes no SendGrid email until every configured one is");
        inboundToken = null;
        basicUser = null;
        basicPassword = null;
      }
      return new Channels.Email(provider, addresses, from, fromName, secret(p, pPath, "apiKeyEnv", tenantId),
          apiBaseUrl(p, pPath, Channels.Email.SENDGRID_API_BASE_URL), null, null, inboundToken, basicUser,
          basicPassword);
    }

    private String apiBaseUrl(JsonNode n, String path, String fallback) {
      String base = text(n, path, "apiBaseUrl", fallback);
      if (!base.matches("https?://[^\\s?#]+")) {
        problems.add(path + ".apiBaseUrl: must be an http(s) URL without query, was '" + base + "'");
      }
      return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** Origins as browsers send them: scheme, host (lower case) and port, nothing after. */
    private static final java.util.regex.Pattern ORIGIN =
        java.util.regex.Pattern.compile("https?://[a-z0-9.\\-]+(:[0-9]{1,5})?");

    private WebChat webChat(JsonNode n, String path, String tenantId) {
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isObject()) {
        problems.add(path + ": must be a mapping");
        return null;
      }
      unknownFields(n, path, Set.of("sessionSecretEnv", "allowedOrigins", "title", "greeting", "disclosure",
          "sessionTtl"));
      String secret = secret(n, path, "sessionSecretEnv", tenantId);
      if (secret != null && secret.length() < WebChat.MIN_SECRET_LENGTH) {
        warnings.add(path + ".sessionSecretEnv: the secret is shorter than " + WebChat.MIN_SECRET_LENGTH
            + " characters; tenant " + tenantId + " cannot use web chat until it is longer");
        secret = null;
      }
      List<String> origins = strings(n.get("allowedOrigins"), path + ".allowedOrigins");
      if (origins.isEmpty()) {
        problems.add(path + ".allowedOrigins: is required: the sites (https://www.example.com) that embed the widget");
      }
      for (int i = 0; i < origins.size(); i++) {
        if (!ORIGIN.matcher(origins.get(i)).matches()) {
          problems.add(path + ".allowedOrigins[" + i + "]: must be an origin such as https://www.example.com"
              + " (scheme, lower-case host, optional port, no path or trailing slash), was '" + origins.get(i) + "'");
        }
      }
      String title = n.hasNonNull("title") ? text(n, path, "title", "") : null;
      String greeting = text(n, path, "greeting", WebChat.DEFAULT_GREETING);
      String disclosure = text(n, path, "disclosure", WebChat.DEFAULT_DISCLOSURE);
      Duration ttl = duration(n, path, "sessionTtl", WebChat.DEFAULT_SESSION_TTL);
      if (ttl.compareTo(Duration.ofMinutes(5)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
        problems.add(path + ".sessionTtl: must be between 5 minutes and 30 days, was " + ttl);
      }
      return new WebChat(secret, origins, title, greeting, disclosure, ttl);
    }

    private Channels.Twilio twilio(JsonNode n, String path, String tenantId) {
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isObject()) {
        problems.add(path + ": must be a mapping");
        return null;
      }
      unknownFields(n, path, Set.of("accountSid", "authTokenEnv", "previousAuthTokenEnv", "numbers",
          "whatsappNumber", "apiBaseUrl", "voice", "missedCallContentSid", "missedCallContentVariables"));
      String account = text(n, path, "accountSid", null);
      if (account != null && !account.matches("AC[0-9A-Za-z]{32}")) {
        problems.add(path + ".accountSid: must be AC and 32 letters or digits, was '" + account + "'");
      }
      String token = secret(n, path, "authTokenEnv", tenantId);
      String previous = n.hasNonNull("previousAuthTokenEnv") ? secret(n, path, "previousAuthTokenEnv", tenantId) : null;
      List<String> numbers = strings(n.get("numbers"), path + ".numbers");
      if (!n.has("numbers") || numbers.isEmpty()) {
        problems.add(path + ".numbers: must list at least one of the tenant's Twilio numbers");
      }
      for (int i = 0; i < numbers.size(); i++) {
        if (!E164.matcher(numbers.get(i)).matches()) {
          problems.add(path + ".numbers[" + i + "]: must be in E.164 (+ and 8-15 digits), was '" + numbers.get(i) + "'");
        }
      }
      String whatsapp = n.hasNonNull("whatsappNumber") ? text(n, path, "whatsappNumber", null) : null;
      if (whatsapp != null && !E164.matcher(whatsapp).matches()) {
        problems.add(path + ".whatsappNumber: must be in E.164 (+ and 8-15 digits), was '" + whatsapp + "'");
      }
      String base = text(n, path, "apiBaseUrl", Channels.Twilio.DEFAULT_API_BASE_URL);
      if (!base.matches("https?://[^\\s?#]+")) {
        problems.add(path + ".apiBaseUrl: must be an http(s) URL without query, was '" + base + "'");
      }
      base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
      String contentSid = n.hasNonNull("missedCallContentSid") ? text(n, path, "missedCallContentSid", null) : null;
      if (contentSid != null && !contentSid.matches("HX[0-9a-fA-F]{32}")) {
        problems.add(path + ".missedCallContentSid: must be a Content template SID (HX and 32 hex digits), was '"
            + contentSid + "'");
      }
      if (contentSid != null && whatsapp == null) {
        problems.add(path + ".missedCallContentSid: is sent on WhatsApp, so whatsappNumber must be set");
      }
      List<String> variables = strings(n.get("missedCallContentVariables"), path + ".missedCallContentVariables");
      for (int i = 0; i < variables.size(); i++) {
        if (!Channels.MessageTemplate.PARAMETERS.contains(variables.get(i))) {
          problems.add(path + ".missedCallContentVariables[" + i + "]: must be one of "
              + new java.util.TreeSet<>(Channels.MessageTemplate.PARAMETERS) + ", was '" + variables.get(i) + "'");
        }
      }
      if (!variables.isEmpty() && contentSid == null) {
        problems.add(path + ".missedCallContentVariables: fill missedCallContentSid's template, which is not set");
      }
      return new Channels.Twilio(account, token, previous, numbers, whatsapp, base,
          voice(n.get("voice"), path + ".voice", tenantId), contentSid, variables);
    }

    private Channels.Voice voice(JsonNode n, String path, String tenantId) {
      Channels.Voice d = Channels.Voice.defaults(tenantId);
      if (n == null || n.isNull()) {
        return d;
      }
      unknownFields(n, path, Set.of("language", "voice", "enqueue", "dial"));
      String language = text(n, path, "language", d.language());
      if (!language.matches("[a-z]{2,3}-[A-Z]{2}")) {
        problems.add(path + ".language: must be a language tag such as en-US, was '" + language + "'");
      }
      String voice = n.hasNonNull("voice") ? text(n, path, "voice", null) : null;
      if (voice != null && !voice.matches("[A-Za-z0-9.\\-]{1,64}")) {
        problems.add(path + ".voice: must be a Twilio voice name such as Polly.Joanna, was '" + voice + "'");
      }
      String enqueue = n.hasNonNull("enqueue") ? text(n, path, "enqueue", null) : null;
      String dial = n.hasNonNull("dial") ? text(n, path, "dial", null) : null;
      if (enqueue != null && dial != null) {
        problems.add(path + ": set enqueue or dial, not both");
      }
      if (enqueue != null && !enqueue.matches("[A-Za-z0-9 _.\\-]{1,64}")) {
        problems.add(path + ".enqueue: must be a queue name of letters, digits, ' ', '_', '.', '-', was '" + enqueue + "'");
      }
      if (dial != null && !E164.matcher(dial).matches() && !dial.matches("sip:[^\\s<>\"&]{3,200}")) {
        problems.add(path + ".dial: must be a number in E.164 or a sip: URI, was '" + dial + "'");
      }
      if (enqueue == null && dial == null) {
        enqueue = d.enqueue();
      }
      return new Channels.Voice(language, voice, enqueue, dial);
    }

    private Channels.WhatsApp whatsApp(JsonNode n, String path, String tenantId) {
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isObject()) {
        problems.add(path + ": must be a mapping");
        return null;
      }
      unknownFields(n, path, Set.of("phoneNumberId", "appSecretEnv", "verifyTokenEnv", "accessTokenEnv",
          "apiBaseUrl", "missedCallTemplate"));
      String number = text(n, path, "phoneNumberId", null);
      if (number != null && !number.matches("[0-9]{1,32}")) {
        problems.add(path + ".phoneNumberId: must be Meta's numeric phone number id, was '" + number + "'");
      }
      String appSecret = secret(n, path, "appSecretEnv", tenantId);
      String verifyToken = secret(n, path, "verifyTokenEnv", tenantId);
      String accessToken = secret(n, path, "accessTokenEnv", tenantId);
      String base = text(n, path, "apiBaseUrl", Channels.WhatsApp.DEFAULT_API_BASE_URL);
      if (!base.matches("https?://[^\\s?#]+")) {
        problems.add(path + ".apiBaseUrl: must be an http(s) URL without query, was '" + base + "'");
      }
      base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
      Channels.MessageTemplate template = messageTemplate(n.get("missedCallTemplate"), path + ".missedCallTemplate");
      return new Channels.WhatsApp(number, appSecret, verifyToken, accessToken, base, template);
    }

    private Channels.MessageTemplate messageTemplate(JsonNode n, String path) {
      if (n == null || n.isNull()) {
        return null;
      }
      unknownFields(n, path, Set.of("name", "language", "bodyParameters"));
      String name = text(n, path, "name", null);
      if (name != null && !name.matches("[a-z0-9_]{1,512}")) {
        problems.add(path + ".name: template names are lower-case letters, digits and '_', was '" + name + "'");
      }
      String language = text(n, path, "language", null);
      if (language != null && !language.matches("[a-z]{2,3}(_[A-Z]{2})?")) {
        problems.add(path + ".language: must be a template language code such as en or en_US, was '" + language + "'");
      }
      List<String> parameters = strings(n.get("bodyParameters"), path + ".bodyParameters");
      for (int i = 0; i < parameters.size(); i++) {
        if (!Channels.MessageTemplate.PARAMETERS.contains(parameters.get(i))) {
          problems.add(path + ".bodyParameters[" + i + "]: must be one of "
              + new java.util.TreeSet<>(Channels.MessageTemplate.PARAMETERS) + ", was '" + parameters.get(i) + "'");
        }
      }
      return new Channels.MessageTemplate(name, language, parameters);
    }

    /**
     * A channel secret from the environment variable named by {@code field} (required). An unset
     * variable is a warning, not a refusal: only the intake holds channel secrets, and only that
     * channel of that tenant stops working.
     */
    private String secret(JsonNode n, String path, String field, String tenantId) {
      String name = text(n, path, field, null);
      if (name == null) {
        return null;
      }
      if (!name.matches("[A-Z][A-Z0-9_]{0,127}")) {
        problems.add(path + "." + field + ": must name an environment variable (A-Z, 0-9, _), was '" + name + "'");
        return null;
      }
      String value = env.apply(name);
      if (value == null || value.isBlank()) {
        warnings.add(path + "." + field + ": " + name + " is not set; tenant " + tenantId
            + " cannot use this channel until it is");
        return null;
      }
      return value;
    }

    /** Emails and phones are opt-in; card numbers are always masked and cannot be turned off. */
    private PrivacyPolicy privacy(JsonNode n, String path) {
      PrivacyPolicy d = PrivacyPolicy.DEFAULTS;
      if (n == null || n.isNull()) {
        return d;
      }
      if (!n.isObject()) {
        problems.add(path + ": must be a mapping with maskEmails, maskPhones");
        return d;
      }
      if (n.has("maskCards") || n.has("maskCardNumbers")) {
        problems.add(path + ": card numbers are always masked (PCI DSS) and cannot be configured");
      }
      Set<String> known = Set.of("maskEmails", "maskPhones");
      Iterator<String> fields = n.fieldNames();
      while (fields.hasNext()) {
        String f = fields.next();
        if (!known.contains(f) && !f.startsWith("maskCard")) {
          problems.add(path + "." + f + ": unknown field (known: maskEmails, maskPhones)");
        }
      }
      return new PrivacyPolicy(
          flag(n, path, "maskEmails", d.maskEmails()), flag(n, path, "maskPhones", d.maskPhones()));
    }

    private boolean flag(JsonNode n, String path, String field, boolean fallback) {
      if (!n.hasNonNull(field)) {
        return fallback;
      }
      JsonNode v = n.get(field);
      if (!v.isBoolean()) {
        problems.add(path + "." + field + ": must be true or false, was '" + v.asText() + "'");
        return fallback;
      }
      return v.asBoolean();
    }

    private Duration duration(JsonNode n, String path, String field, Duration fallback) {
      if (!n.hasNonNull(field)) {
        return fallback;
      }
      String value = n.get(field).asText().trim();
      try {
        Duration d = Duration.parse(value.startsWith("P") ? value : "PT" + value.toUpperCase());
        if (d.isNegative() || d.isZero()) {
          problems.add(path + "." + field + ": must be positive, was '" + value + "'");
          return fallback;
        }
        return d;
      } catch (DateTimeParseException e) {
        problems.add(path + "." + field + ": must be a duration like 5s, 2m or P7D, was '" + value + "'");
        return fallback;
      }
    }

    private double number(JsonNode n, String path, String field, double fallback, double min, double max) {
      if (!n.has(field)) {
        return fallback;
      }
      JsonNode v = n.get(field);
      if (!v.isNumber()) {
        problems.add(path + "." + field + ": must be a number, was '" + v.asText() + "'");
        return fallback;
      }
      double value = v.asDouble();
      if (value < min || value > max) {
        problems.add(path + "." + field + ": must be in [" + fmt(min) + ", " + fmt(max) + "], was " + v.asText());
        return fallback;
      }
      return value;
    }

    private static String fmt(double d) {
      return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private String text(JsonNode n, String path, String field, String fallback) {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        if (fallback == null) {
          problems.add(path + "." + field + ": is required");
        }
        return fallback;
      }
      if (!v.isValueNode() || v.asText().isBlank()) {
        problems.add(path + "." + field + ": must be a non-empty string");
        return fallback;
      }
      return v.asText();
    }

    private List<String> strings(JsonNode n, String path) {
      List<String> out = new ArrayList<>();
      if (n == null || n.isNull()) {
        return out;
      }
      if (!n.isArray()) {
        problems.add(path + ": must be a list of strings");
        return out;
      }
      for (int i = 0; i < n.size(); i++) {
        JsonNode v = n.get(i);
        if (!v.isValueNode() || v.asText().isBlank()) {
          problems.add(path + "[" + i + "]: must be a non-empty string");
        } else {
          out.add(v.asText());
        }
      }
      return out;
    }

    private Map<String, String> stringMap(JsonNode n, String path) {
      Map<String, String> out = new LinkedHashMap<>();
      if (n == null || n.isNull()) {
        return out;
      }
      if (!n.isObject()) {
        problems.add(path + ": must be a mapping");
        return out;
      }
      n.fields().forEachRemaining(e -> {
        if (!e.getValue().isValueNode() || e.getValue().asText().isBlank()) {
          problems.add(path + "." + e.getKey() + ": must be a non-empty string");
        } else {
          out.put(e.getKey(), e.getValue().asText());
        }
      });
      return out;
    }

    private void unknownFields(JsonNode n, String path, Set<String> known) {
      if (n == null || !n.isObject()) {
        return;
      }
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!known.contains(field)) {
          problems.add((path.isEmpty() ? "" : path + ".") + field + ": unknown field (known: "
              + String.join(", ", known.stream().sorted().toList()) + ")");
        }
      }
    }
  }
}
