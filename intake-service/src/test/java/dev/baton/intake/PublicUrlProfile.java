package dev.baton.intake;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The intake with a public base URL ({@code intake.channels.public-base-url}), as in production
 * behind a proxy: Twilio is told to call back there, and Twilio's webhooks are signed for it.
 */
public class PublicUrlProfile implements QuarkusTestProfile {
  public static final String PUBLIC_BASE_URL = "https://baton.example.com";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("intake.channels.public-base-url", PUBLIC_BASE_URL);
  }
}
