package dev.baton.intake.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.intake.service.FieldError;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** An RFC 9457 problem body: what went wrong and, for invalid input, which fields. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {
  public static final String MEDIA_TYPE = "application/problem+json";

  public static Response response(int status, String title, String detail, List<FieldError> errors) {
    String type = "https://baton.dev/problems/" + title.toLowerCase().replace(' ', '-');
    return Response.status(status)
        .type(MEDIA_TYPE)
        .entity(new Problem(type, title, status, detail, errors))
        .build();
  }

  public static Response response(int status, String title, String detail) {
    return response(status, title, detail, List.of());
  }
}
