package dev.baton.support.openapi;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Every error response of the HTTP APIs is an RFC 9457 problem: the resources name their 4xx/5xx
 * answers with a bare {@code @APIResponse(responseCode, description)} and this filter gives each
 * one that states no body of its own the {@code application/problem+json} body and the shared
 * {@code Problem} schema, so the format is written down once rather than on every operation.
 * Enabled by {@code mp.openapi.filter} in the services that serve {@code /q/openapi}.
 */
public class ProblemResponses implements OASFilter {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String SCHEMA = "Problem";

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    if (openAPI.getComponents() == null) {
      openAPI.setComponents(OASFactory.createComponents());
    }
    openAPI.getComponents().addSchema(SCHEMA, problemSchema());
    if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
      return;
    }
    openAPI.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(op -> {
      if (op.getResponses() == null || op.getResponses().getAPIResponses() == null) {
        return;
      }
      for (Map.Entry<String, APIResponse> e : op.getResponses().getAPIResponses().entrySet()) {
        char first = e.getKey().charAt(0);
        APIResponse r = e.getValue();
        if ((first == '4' || first == '5') && r.getRef() == null
            && (r.getContent() == null || r.getContent().getMediaTypes() == null || r.getContent().getMediaTypes().isEmpty())) {
          r.setContent(OASFactory.createContent().addMediaType(MEDIA_TYPE,
              OASFactory.createMediaType().schema(OASFactory.createSchema().ref(SCHEMA))));
        }
      }
    }));
  }

  private static Schema problemSchema() {
    Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
        .addProperty("field", string).addProperty("message", string);
    return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
        .description("An RFC 9457 problem; some carry further members (e.g. ownerAgentId)")
        .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri"))
        .addProperty("title", string)
        .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
        .addProperty("detail", string)
        .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError))
        .required(List.of("type", "title", "status"));
  }
}
