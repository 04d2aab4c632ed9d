package dev.baton.gateway.auth;

/** An agent who proved who they are; everything they see and do is limited to their tenant. */
public record AuthenticatedAgent(String tenantId, String agentId, String name) {}
