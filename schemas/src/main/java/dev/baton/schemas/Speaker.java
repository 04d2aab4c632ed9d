package dev.baton.schemas;

/** Who said a turn of the transcript. */
public enum Speaker {
  CUSTOMER,
  BOT,
  AGENT,
  /** Call started, call ended and other facts that nobody said. */
  SYSTEM,
  /** An agent's internal note: shown to agents, never sent to the customer. */
  NOTE
}
