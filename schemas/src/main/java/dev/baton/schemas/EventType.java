package dev.baton.schemas;

/** What happened in a conversation. */
public enum EventType {
  CUSTOMER_MESSAGE,
  AGENT_MESSAGE,
  CALL_STARTED,
  CALL_ENDED,
  CALL_MISSED,
  /** A transcribed stretch of caller speech on a voice call. */
  SPEECH_SEGMENT,
  /**
   * The caller said nothing for the tenant's silence timeout after the bot finished speaking, as
   * measured by the voice provider (which knows when its speech ended; Baton only knows when it
   * sent the words). Its {@code silence.ms} attribute says how long.
   */
  CALLER_SILENT;

  /** Events whose text was said by the customer and should be understood by the models. */
  public boolean carriesCustomerText() {
    return this == CUSTOMER_MESSAGE || this == SPEECH_SEGMENT;
  }
}
