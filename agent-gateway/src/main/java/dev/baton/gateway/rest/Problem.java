package dev.baton.gateway.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9457 problem responses, as in the intake service. A problem with one field at fault names it
 * in {@code detail} ({@code "text: must be a string"}) and in {@code errors: [{field, message}]}.
 */
public final class Problem {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final int MAX_FIELD = 64;

  private Problem() {}

  public static WebApplicationException of(int status, String title, String detail) {
    return build(status, title, detail, null);
  }

  /** A problem caused by one field (or header, or query parameter) of the request. */
  public static WebApplicationException field(int status, String title, String field, String message) {
    String name = field.length() > MAX_FIELD ? field.substring(0, MAX_FIELD) + "..." : field;
    return build(status, title, name + ": " + message, List.of(Map.of("field", name, "message", message)));
  }

  /** A problem with extra members (e.g. {@code ownerAgentId}) after the standard ones. */
  public static WebApplicationException withMembers(int status, String title, String detail, Map<String, Object> members) {
    WebApplicationException e = build(status, title, detail, null);
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) e.getResponse().getEntity();
    body.putAll(members);
    return e;
  }

  public static WebApplicationException unauthorized() {
    return of(401, "Unauthorized", "send Authorization: Bearer <agent token>");
  }

  private static WebApplicationException build(int status, String title, String detail, List<Map<String, String>> errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "https://baton.dev/problems/" + title.toLowerCase().replace(' ', '-'));
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    if (errors != null) {
      body.put("errors", errors);
    }
    Response.ResponseBuilder r = Response.status(status).type(MEDIA_TYPE).entity(body);
    if (status == 401) {
      r.header("WWW-Authenticate", "Bearer realm=\"baton-agents\"");
    }
    return new WebApplicationException(r.build());
  }
}
