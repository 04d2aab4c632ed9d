package dev.baton.gateway.auth;

/**
 * An agent who proved who they are; everything they see and do is limited to their tenant.
 *
 * @param supervisor the tenants file gives them {@code role: supervisor} (may read the audit log)
 */
public record AuthenticatedAgent(String tenantId, String agentId, String name, boolean supervisor) {}
