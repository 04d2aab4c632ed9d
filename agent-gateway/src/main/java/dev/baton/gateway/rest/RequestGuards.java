package dev.baton.gateway.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * What the framework would otherwise answer on its own, before the resources can check the token
 * first and say what is wrong: a {@code Content-Type} that is not a media type at all (the
 * framework refuses it with a bare 400 while matching the request) is replaced by a marker type
 * here, before matching, so the resource answers 401 or 415 like for any other wrong type; and an
 * error the framework raises without a body (404, 405, 406, ...) gets a problem body.
 */
public class RequestGuards {
  /** Stands for a {@code Content-Type} header that could not be parsed. */
  static final String UNPARSEABLE = "application/x-baton-unparseable-content-type";

  @ServerRequestFilter(preMatching = true)
  public void unparseableContentType(ContainerRequestContext request) {
    String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
    if (type != null && !parses(type)) {
      request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, UNPARSEABLE);
    }
  }

  @ServerExceptionMapper
  public Response problemBody(WebApplicationException e) {
    Response r = e.getResponse();
    if (r.hasEntity()) {
      return r;
    }
    String title = r.getStatusInfo().getReasonPhrase();
    return Problem.of(r.getStatus(), title == null || title.isBlank() ? "Error" : title,
        title == null ? "the request could not be served" : title.toLowerCase()).getResponse();
  }

  private static boolean parses(String type) {
    try {
      MediaType media = MediaType.valueOf(type);
      return !media.getType().isEmpty() && !media.getSubtype().isEmpty() && !media.isWildcardType();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
