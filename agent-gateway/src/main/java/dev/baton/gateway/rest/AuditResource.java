package dev.baton.gateway.rest;

import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.service.AuditLog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * {@code GET /v1/agent/audit?conversationId=&limit=}: the tenant's audit log, newest first, for
 * supervisors ({@code role: supervisor} in the tenants file) only; other agents get 403. Reading
 * it is audited too.
 */
@Tag(name = "Audit", description = "The tenant's audit log (supervisors only)")
@SecurityRequirement(name = "agent-token")
@APIResponse(responseCode = "200", description = "The entries, newest first", content = @Content(mediaType = MediaType.APPLICATION_JSON))
@APIResponse(responseCode = "401", description = "No, an unknown or an expired agent token")
@APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address (Retry-After)")
@APIResponse(responseCode = "400", description = "An invalid parameter")
@APIResponse(responseCode = "403", description = "Not a supervisor")
@Path("/v1/agent/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  private static final Logger LOG = Logger.getLogger(AuditResource.class);

  private final AgentAuthenticator auth;
  private final AuditLog audit;
  private final GatewayConfig config;

  public AuditResource(AgentAuthenticator auth, AuditLog audit, GatewayConfig config) {
    this.auth = auth;
    this.audit = audit;
    this.config = config;
  }

  @Operation(summary = "The audit log, newest first")
  @GET
  public Map<String, List<AuditLog.Entry>> read(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @QueryParam("conversationId") String conversationId, @QueryParam("limit") String limit) {
    AuthenticatedAgent agent = auth.require(authorization);
    boolean validId = conversationId != null && AgentActionResource.ID.matcher(conversationId).matches();
    try {
      if (!agent.supervisor()) {
        throw Problem.of(403, "Forbidden", "the audit log is for supervisors (role: supervisor in the tenants file)");
      }
      if (conversationId != null && !validId) {
        throw Problem.field(400, "Invalid conversation", "conversationId", AgentActionResource.ID_RULE);
      }
      int n = (int) Params.number("limit", limit, config.audit().defaultLimit(), 1, config.audit().maxLimit());
      List<AuditLog.Entry> entries;
      try {
        entries = audit.read(agent.tenantId(), conversationId, n);
      } catch (RuntimeException e) {
        LOG.errorf("cannot read the audit log: %s", e.getMessage());
        throw Problem.of(503, "Unavailable", "the audit log could not be read; retry");
      }
      record(agent, validId ? conversationId : null, "read " + entries.size() + " entries");
      return Map.of("entries", entries);
    } catch (WebApplicationException e) {
      record(agent, validId ? conversationId : null, "refused " + e.getResponse().getStatus());
      throw e;
    }
  }

  private void record(AuthenticatedAgent agent, String conversationId, String outcome) {
    try {
      audit.record(agent, "AUDIT_READ", conversationId, outcome);
    } catch (RuntimeException e) {
      LOG.errorf("cannot write the audit entry (audit read by %s): %s", agent.agentId(), e.getMessage());
    }
  }
}
