package dev.baton.gateway.bench;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * The benchmark's gateway: {@link BenchTestResource} alone. The module's other tests register
 * {@code GatewayTestResource} globally (its tenants, a per-agent cap of 3, a one-second
 * heartbeat); both at once would leave which tenants file wins to chance.
 */
public class BenchProfile implements QuarkusTestProfile {
  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(BenchTestResource.class));
  }

  @Override
  public boolean disableGlobalTestResources() {
    return true;
  }
}
