package dev.baton.nlp;

/**
 * The best intent for a message.
 *
 * @param confidence probability in [0, 1] that {@code label} is right; low for out-of-scope text
 */
public record IntentScore(String label, double confidence) {}
