package dev.baton.intake.delivery;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * Runs the application against {@link PartnerTestResource} only: the global
 * {@code BatonTestResource} would point the tenants file at its own receiver.
 */
public class PartnerTestProfile implements QuarkusTestProfile {
  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(PartnerTestResource.class));
  }

  @Override
  public boolean disableGlobalTestResources() {
    return true;
  }
}
