package dev.baton.gateway.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** RFC 9457 problem responses, as in the intake service. */
final class Problem {
  static final String MEDIA_TYPE = "application/problem+json";

  private Problem() {}

  static WebApplicationException of(int status, String title, String detail) {
    Response.ResponseBuilder r = Response.status(status).type(MEDIA_TYPE)
        .entity(Map.of("type", "https://baton.dev/problems/" + title.toLowerCase().replace(' ', '-'),
            "title", title, "status", status, "detail", detail));
    if (status == 401) {
      r.header("WWW-Authenticate", "Bearer realm=\"baton-agents\"");
    }
    return new WebApplicationException(r.build());
  }
}
