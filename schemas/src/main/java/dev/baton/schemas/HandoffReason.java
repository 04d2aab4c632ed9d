package dev.baton.schemas;

/** Why a conversation was handed to a person. */
public enum HandoffReason {
  EXPLICIT_REQUEST,
  KEYWORD,
  NEGATIVE_SENTIMENT,
  LOW_CONFIDENCE,
  REPEATED_FAILURE,
  SENSITIVE_TOPIC,
  SILENCE,
  MISSED_CALL,
  /** The customer complains (a stated failure, repeated contact, sarcasm): the complaint signal. */
  COMPLAINT,
  /** The customer writes in a language the tenant has no answers in. */
  UNSUPPORTED_LANGUAGE
}
