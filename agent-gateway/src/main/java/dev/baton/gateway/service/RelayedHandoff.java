package dev.baton.gateway.service;

/**
 * A handoff as the gateway relays it: its id and tenant for routing, and the record's JSON as the
 * handoff service wrote it (see {@link ForwardCompatibleReader}).
 */
public record RelayedHandoff(String handoffId, String tenantId, String json) {}
