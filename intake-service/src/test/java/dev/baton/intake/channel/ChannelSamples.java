package dev.baton.intake.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The providers' wire samples under {@code src/test/resources/channels/} (see its README). */
public final class ChannelSamples {
  private ChannelSamples() {}

  /** The sample's bytes exactly as they are on the wire. */
  public static byte[] bytes(String resource) {
    try (InputStream in = ChannelSamples.class.getResourceAsStream("/channels/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("no sample " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A {@code .headers} file: the request line's path as {@code :path}, and each header. */
  public static Map<String, String> headers(String resource) {
    Map<String, String> h = new LinkedHashMap<>();
    String[] lines = new String(bytes(resource), StandardCharsets.UTF_8).split("\r?\n");
    h.put(":path", lines[0].split(" ")[1]);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        h.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
      }
    }
    return h;
  }
}
