package dev.baton.intake.channel;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body as Twilio sends it, every parameter kept:
 * empty values ({@code ToCity=}) and repeated names too, since the signature covers all of them.
 */
public final class FormBody {
  private FormBody() {}

  /** The parameters in order; throws {@link IllegalArgumentException} on a malformed escape. */
  public static Map<String, List<String>> parse(byte[] body) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (body == null || body.length == 0) {
      return params;
    }
    for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
    }
    return params;
  }

  /** The first value of {@code name}, or null. */
  public static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
