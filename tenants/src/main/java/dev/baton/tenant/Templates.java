package dev.baton.tenant;

/**
 * What the bot says in the situations that are not FAQ answers. {@code {opening}} in {@code
 * afterHoursNotice} is replaced by the next opening time, {@code {name}} by the tenant name and
 * {@code {agent}} in {@code agentJoined} by the agent's name. In {@code queueNotice} and
 * {@code queueNoticeNoEstimate}, {@code {position}} is the customer's place in the queue and
 * {@code {wait}} the expected wait ("3 minutes"); {@code callbackOffer} is said instead when no
 * agent with the skill is available, and {@code callbackConfirmed} when the customer takes it.
 * {@code languageNotSupported} is said, in the tenant's default language, to a customer who writes
 * in a language the tenant has no answers in, as they are handed to a person.
 */
public record Templates(
    String assistantIntro,
    String handoffNotice,
    String afterHoursNotice,
    String clarifyingQuestion,
    String fallback,
    String missedCallAck,
    String agentJoined,
    String queueNotice,
    String queueNoticeNoEstimate,
    String callbackOffer,
    String callbackConfirmed,
    String languageNotSupported) {

  /** Templates without a {@code languageNotSupported} of their own (the default one is used). */
  public Templates(String assistantIntro, String handoffNotice, String afterHoursNotice, String clarifyingQuestion,
      String fallback, String missedCallAck, String agentJoined, String queueNotice, String queueNoticeNoEstimate,
      String callbackOffer, String callbackConfirmed) {
    this(assistantIntro, handoffNotice, afterHoursNotice, clarifyingQuestion, fallback, missedCallAck, agentJoined,
        queueNotice, queueNoticeNoEstimate, callbackOffer, callbackConfirmed, DEFAULT_LANGUAGE_NOT_SUPPORTED);
  }

  static final String DEFAULT_LANGUAGE_NOT_SUPPORTED =
      "Sorry, I can't answer in your language myself. I'm passing you to a colleague who can help you;"
          + " they can see our conversation so far.";

  public static final Templates DEFAULTS =
      new Templates(
          "Hi, I'm the virtual assistant of {name}.",
          "I'm passing you to a colleague now; they can see our conversation so far.",
          "Our team is away right now; a colleague will get back to you {opening}.",
          "Sorry, I'm not sure I understood. Could you say that another way?",
          "Sorry, I can't help with that myself.",
          "Sorry we missed your call to {name}. We'll call you back as soon as we can.",
          "You're now talking with {agent}, who can see our conversation so far.",
          "Thanks for waiting. You're number {position} in the queue; the expected wait is about {wait}.",
          "Thanks for waiting. You're number {position} in the queue; a colleague will be with you as soon as possible.",
          "All our colleagues are busy right now. Reply CALLBACK and we'll call you back as soon as someone is free, or stay here and keep your place.",
          "Thanks, we'll call you back as soon as a colleague is free.",
          DEFAULT_LANGUAGE_NOT_SUPPORTED);
}
