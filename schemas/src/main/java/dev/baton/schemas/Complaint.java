package dev.baton.schemas;

/**
 * Whether a customer message complains: a stated failure, repeated contact, sarcasm.
 *
 * @param score from 0 (not a complaint) to 1; the escalation rules compare it with the tenant's
 *     {@code complaintThreshold}
 * @param sarcasm whether sarcastic praise or thanks was seen ("great, another delay")
 */
public record Complaint(double score, boolean sarcasm) {}
