package dev.baton.support.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Every metric of a service carries {@code service="<its name>"}, so one dashboard covers all five. */
@Singleton
public class MetricsSetup {
  @Produces
  @Singleton
  MeterFilter serviceTag(@ConfigProperty(name = "quarkus.application.name") String service) {
    return MeterFilter.commonTags(List.of(Tag.of("service", service)));
  }
}
