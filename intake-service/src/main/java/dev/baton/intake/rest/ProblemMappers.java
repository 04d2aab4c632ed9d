package dev.baton.intake.rest;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Framework errors answered in the same problem format as our own. */
public class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response unsupported(NotSupportedException e) {
    return Problem.response(415, "Unsupported media type", "send Content-Type: application/json");
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return Problem.response(status, status == 413 ? "Payload too large" : "Request refused",
        e.getMessage());
  }

  @ServerExceptionMapper
  public Response unexpected(RuntimeException e) {
    LOG.error("unexpected error", e);
    return Problem.response(500, "Internal error", "the request failed; it is safe to retry it");
  }
}
