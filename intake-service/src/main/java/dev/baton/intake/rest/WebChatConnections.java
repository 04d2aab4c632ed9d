package dev.baton.intake.rest;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/** Open web chat visitor streams: the gauge {@code baton_sse_connections{stream="webchat"}}. */
@ApplicationScoped
@Startup // the gauge is there (at 0) before the first visitor connects
public class WebChatConnections {
  private final AtomicInteger open = new AtomicInteger();

  public WebChatConnections(MeterRegistry registry) {
    Gauge.builder("baton.sse.connections", open, AtomicInteger::get).description("open server-sent event streams")
        .tag("stream", "webchat").register(registry);
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  int open() {
    return open.get();
  }
}
