package dev.baton.schemas;

/** The customer-facing channel a conversation happens on. */
public enum Channel {
  VOICE,
  WHATSAPP,
  SMS,
  WEBCHAT,
  EMAIL;

  public boolean isVoice() {
    return this == VOICE;
  }
}
