package dev.baton.gateway.rest;

import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.tenant.Agent;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The tenants file's entry of a signed-in agent: skills, capacity, role. */
@ApplicationScoped
public class Agents {
  private final TenantDirectory tenants;

  public Agents(TenantDirectory tenants) {
    this.tenants = tenants;
  }

  public Agent of(AuthenticatedAgent who) {
    return tenant(who).agent(who.agentId())
        // Signed in without an entry (an identity provider's user): every queue, the default capacity.
        .orElseGet(() -> new Agent(who.agentId(), who.name(), null,
            who.supervisor() ? Agent.SUPERVISOR : Agent.AGENT, List.of(), Agent.DEFAULT_CAPACITY));
  }

  public TenantConfig tenant(AuthenticatedAgent who) {
    return tenants.find(who.tenantId()).orElseThrow(() -> Problem.unauthorized());
  }
}
